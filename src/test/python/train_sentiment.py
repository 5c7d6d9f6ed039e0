#!/usr/bin/env python3
"""Trains the analyzer's sentiment model (dev.sightline.analysis.SentimentModel) on the tuning sets' labels.

Input: the JSON lines dev.sightline.analysis.SentimentFeatures writes (one per labelled, mentioned entity: the label,
what the rules found and the words of the clauses about the entity). Output, on stdout: sentiment-model-1.tsv, one
feature a line with its weight for each class (positive, neutral, negative, mixed), the bias as __bias__.

A multinomial logistic regression, L2-regularised, by full-batch gradient descent from zero weights: the same input
gives the same weights. The features must match SentimentModel's exactly. `--loso` prints, instead of the model,
each corpus's accuracy when the model is trained on the others (how README's figures were measured). Needs numpy.
"""
import collections
import json
import math
import sys

import numpy as np

CLASSES = ['POSITIVE', 'NEUTRAL', 'NEGATIVE', 'MIXED']
NEGATORS = {'not', 'no', 'never', "isn't", "aren't", "doesn't", "don't", "can't", "won't", 'without', 'hardly',
            'lacks', 'lack'}
PUNCTUATION = set(';,.:!?')
MIN_ROWS = 3      # a word seen in fewer training rows gets no weight
C = 1.0           # inverse strength of the L2 penalty
ITERATIONS = 300
RATE = 0.5


def words(text):
    """As SentimentModel.words: lowercase a-z words (with inner apostrophes and hyphens), NOT_ after a negator."""
    out, negated, i, text = set(), False, 0, text.lower()
    while i < len(text):
        c = text[i]
        if 'a' <= c <= 'z':
            j = i + 1
            while j < len(text) and ('a' <= text[j] <= 'z' or text[j] in "'-"):
                j += 1
            w = text[i:j]
            if w in NEGATORS:
                negated = True
                out.add(w)
            else:
                out.add('NOT_' + w if negated else w)
            i = j
            continue
        if c in PUNCTUATION:
            negated = False
        i += 1
    return out


def features(r):
    f = {'rule=' + r['rule']: 1.0, 'P': min(r['P'], 4) / 2, 'N': min(r['N'], 4) / 2, 'score': r['score'],
         'Pclear': float(r['P'] >= 0.5), 'Nclear': float(r['N'] >= 0.5), 'ncl': math.log1p(r['clauses']),
         'ranked': float(r['ranked'])}
    for w in words(r['said']):
        f['w:' + w] = 1.0
    return {k: v for k, v in f.items() if v != 0}


def train(rows):
    fs = [features(r) for r in rows]
    seen = collections.Counter(k for f in fs for k in f)
    vocab = sorted(k for k, n in seen.items() if n >= MIN_ROWS or not k.startswith('w:'))
    index = {k: i for i, k in enumerate(vocab)}
    x = np.zeros((len(fs), len(vocab) + 1))
    x[:, -1] = 1
    for i, f in enumerate(fs):
        for k, v in f.items():
            if k in index:
                x[i, index[k]] = v
    y = np.eye(len(CLASSES))[[CLASSES.index(r['label']) for r in rows]]
    w = np.zeros((x.shape[1], len(CLASSES)))
    for _ in range(ITERATIONS):
        z = x @ w
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        g = x.T @ (p - y) / len(rows) + w / (C * len(rows))
        g[-1] -= w[-1] / (C * len(rows))   # no penalty on the bias
        w -= RATE * g
    return {**{k: w[i] for k, i in index.items()}, '__bias__': w[-1]}


def predict(model, r):
    z = model['__bias__'].copy()
    for k, v in features(r).items():
        if k in model:
            z = z + model[k] * v
    return CLASSES[int(np.argmax(z))]


def main():
    rows = [json.loads(line) for line in open(sys.argv[-1], encoding='utf-8')]
    if '--loso' in sys.argv:
        for s in sorted({r['set'] for r in rows}):
            model = train([r for r in rows if r['set'] != s])
            test = [r for r in rows if r['set'] == s]
            acc = sum(predict(model, r) == r['label'] for r in test) / len(test)
            rules = sum(r['rule'] == r['label'] for r in test) / len(test)
            print(f'{s}: model {acc:.3f}, rules {rules:.3f} ({len(test)} labels)')
        return
    model = train(rows)
    print('# dev.sightline.analysis.SentimentModel: feature, then weights for positive, neutral, negative, mixed')
    print(f'# trained by src/test/python/train_sentiment.py on {len(rows)} labels of '
          + ', '.join(sorted({r["set"] for r in rows})))
    for k in sorted(model):
        print(k + '\t' + '\t'.join(repr(round(float(v), 6)) for v in model[k]))


if __name__ == '__main__':
    main()
