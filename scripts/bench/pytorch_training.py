#!/usr/bin/env python3
"""PyTorch reference for `npm run bench -- training`: the engine's built-in architectures
(main/engine/models/architectures.ts), trained on random data with the same batch size,
optimizer and learning rate, on the CPU with PyTorch's default thread count (or --threads N).

    python3 scripts/bench/pytorch_training.py --model seed-cnn --samples 2048 --epochs 3

Prints one JSON object: samples/s per epoch and their mean after the first (warm-up) epoch.
Install on Debian/Ubuntu with `apt-get install -y python3-torch` (for /usr/bin/python3).
"""
import argparse
import json
import time

import torch
from torch import nn


def seed_cnn(classes):
    return nn.Sequential(
        nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(32 * 15 * 15, 64), nn.ReLU(), nn.Linear(64, classes))


def small_cnn(classes):
    layers, channels = [], 3
    for block in (1, 2, 3):
        filters = 8 * 2 ** block
        layers += [nn.Conv2d(channels, filters, 3, padding=1, bias=False), nn.BatchNorm2d(filters), nn.ReLU(), nn.MaxPool2d(2)]
        channels = filters
    return nn.Sequential(*layers, nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, classes))


def mlp(classes):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, classes))


MODELS = {'seed-cnn': (seed_cnn, (3, 32, 32)), 'small-cnn': (small_cnn, (3, 32, 32)), 'mlp': (mlp, (1, 28, 28))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', choices=sorted(MODELS), required=True)
    parser.add_argument('--samples', type=int, default=2048)
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--classes', type=int, default=10)
    parser.add_argument('--threads', type=int, default=0, help='torch.set_num_threads (default: PyTorch\'s own choice)')
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)

    torch.manual_seed(1)
    build, shape = MODELS[args.model]
    model = build(args.classes)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()  # softmax + categorical cross-entropy, as the engine's head and loss
    x = torch.rand(args.samples, *shape)
    y = torch.randint(0, args.classes, (args.samples,))

    rates = []
    for _ in range(args.epochs):
        order = torch.randperm(args.samples)
        start = time.perf_counter()
        for first in range(0, args.samples, args.batch):
            idx = order[first:first + args.batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
        rates.append(args.samples / (time.perf_counter() - start))
    measured = rates[1:] if len(rates) > 1 else rates
    print(json.dumps({
        'model': args.model,
        'samplesPerSec': sum(measured) / len(measured),
        'epochSamplesPerSec': rates,
        'threads': torch.get_num_threads(),
        'torchVersion': torch.__version__,
    }))


if __name__ == '__main__':
    main()
