#!/usr/bin/env python3
"""PyTorch CUDA reference for `npm run bench -- gpu`: seed-cnn and small-cnn as in
pytorch_training.py, and MobileNet v1 0.25 (as scripts/bench/gpu/mobilenet-shaped.ts), trained
on random 32x32 RGB data (or --side for MobileNet) on the first CUDA device, Adam lr 1e-3.

    python3 scripts/bench/pytorch_gpu.py --model mobilenet --batch 256 --samples 2048 --epochs 2

Prints one JSON object: samples/s per epoch and their mean after the first (warm-up) epoch.
"""
import argparse
import json
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_training import seed_cnn, small_cnn  # noqa: E402

ALPHA = 0.25
BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
          (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]


def mobilenet(classes):
    def bn_relu6(channels):
        return [nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01), nn.ReLU6()]
    channels = int(32 * ALPHA)
    layers = [nn.Conv2d(3, channels, 3, stride=2, padding=1, bias=False), *bn_relu6(channels)]
    for filters, stride in BLOCKS:
        out = int(filters * ALPHA)
        layers += [nn.Conv2d(channels, channels, 3, stride=stride, padding=1, groups=channels, bias=False), *bn_relu6(channels),
                   nn.Conv2d(channels, out, 1, bias=False), *bn_relu6(out)]
        channels = out
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, classes))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', choices=['seed-cnn', 'small-cnn', 'mobilenet'], required=True)
    parser.add_argument('--samples', type=int, default=2048)
    parser.add_argument('--epochs', type=int, default=2)
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--side', type=int, default=32)
    parser.add_argument('--classes', type=int, default=10)
    args = parser.parse_args()

    device = torch.device('cuda')
    torch.manual_seed(1)
    build = {'seed-cnn': seed_cnn, 'small-cnn': small_cnn, 'mobilenet': mobilenet}[args.model]
    side = args.side if args.model == 'mobilenet' else 32
    model = build(args.classes).to(device)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(args.samples, 3, side, side, device=device)
    y = torch.randint(0, args.classes, (args.samples,), device=device)

    rates = []
    for _ in range(args.epochs):
        order = torch.randperm(args.samples, device=device)
        torch.cuda.synchronize()
        start = time.perf_counter()
        for first in range(0, args.samples, args.batch):
            idx = order[first:first + args.batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
        torch.cuda.synchronize()
        rates.append(args.samples / (time.perf_counter() - start))
    measured = rates[1:] if len(rates) > 1 else rates
    print(json.dumps({
        'model': args.model,
        'samplesPerSec': sum(measured) / len(measured),
        'epochSamplesPerSec': rates,
        'device': torch.cuda.get_device_name(0),
        'torchVersion': torch.__version__,
    }))


if __name__ == '__main__':
    main()
