#!/usr/bin/env python3
"""PyTorch reference for `npm run bench -- pipeline`: the same job as the app on the same
folder. A MobileNet v1 0.25 (seeded weights) frozen but for a new 5-class head; torchvision
ImageFolder + DataLoader (2 loader workers, batch 32) decode the JPEGs; the frozen part runs
once over train and test (eval mode, no_grad); the head trains 5 epochs (Adam, lr 0.001,
batch 32) on those features; accuracy on test. 2 compute threads.

    /usr/bin/python3 scripts/bench/pytorch_pipeline.py --folder <photos>

Prints one JSON object. Debian: apt-get install python3-torch python3-torchvision libopenblas0-pthread.
"""
import argparse
import json
import resource
import time

import torch
from torch import nn
from torchvision import datasets, transforms

BLOCKS = [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1), (128, 2), (128, 1), (128, 1), (128, 1), (128, 1), (128, 1), (256, 2), (256, 1)]


def backbone():
    layers = [nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU6()]
    channels = 8
    for filters, stride in BLOCKS:
        layers += [nn.Conv2d(channels, channels, 3, stride, 1, groups=channels, bias=False), nn.BatchNorm2d(channels), nn.ReLU6(),
                   nn.Conv2d(channels, filters, 1, bias=False), nn.BatchNorm2d(filters), nn.ReLU6()]
        channels = filters
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())


def features(net, loader):
    xs, ys = [], []
    with torch.no_grad():
        for x, y in loader:
            xs.append(net(x))
            ys.append(y)
    return torch.cat(xs), torch.cat(ys)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--folder', required=True)
    parser.add_argument('--epochs', type=int, default=5)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--workers', type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    started = time.perf_counter()
    to_tensor = transforms.ToTensor()
    train_set = datasets.ImageFolder(f'{args.folder}/train', transform=to_tensor)
    test_set = datasets.ImageFolder(f'{args.folder}/test', transform=to_tensor)
    loaded = time.perf_counter()
    net = backbone().eval()
    loader = lambda ds: torch.utils.data.DataLoader(ds, batch_size=32, num_workers=args.workers)
    train_x, train_y = features(net, loader(train_set))
    test_x, test_y = features(net, loader(test_set))
    featured = time.perf_counter()
    head = nn.Linear(256, len(train_set.classes))
    optimizer = torch.optim.Adam(head.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(args.epochs):
        order = torch.randperm(len(train_y))
        for i in range(0, len(order), 32):
            idx = order[i:i + 32]
            optimizer.zero_grad()
            loss_fn(head(train_x[idx]), train_y[idx]).backward()
            optimizer.step()
    trained = time.perf_counter()
    with torch.no_grad():
        accuracy = (head(test_x).argmax(1) == test_y).float().mean().item()
    done = time.perf_counter()
    images = len(train_set) + len(test_set)
    print(json.dumps({
        'images': images,
        'loadMs': (loaded - started) * 1000,
        'featuresMs': (featured - loaded) * 1000,
        'featureImagesPerSec': images / (featured - loaded),
        'trainMs': (trained - featured) * 1000,
        'evaluateMs': (done - trained) * 1000,
        'totalMs': (done - started) * 1000,
        'maxRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'loaderMaxRssMb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        'accuracy': accuracy,
        'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
