#!/bin/sh
# How src/main/resources/dev/sightline/store/answer-dictionary-3.txt was made (AnswerColumns format 3). Kept as the
# record of where its bytes come from: the file is never rebuilt or edited (a new dictionary is a new format).
#
# zstd's dictionary trainer (COVER, zstd 1.5.4) picks the segments that recur most across the answers of the labelled
# tuning sets (src/test/resources/corpus/tuning*.json: answers written in the four providers' styles by other
# sessions; the held-out half and the simulator's answers left out). Its content (after zstd's header and entropy
# tables, which deflate cannot use; characters cut at a segment's edge dropped) comes first, then
# answer-dictionary-1.txt: deflate reaches back 32 kB, so the generic phrasing, used most, sits nearest the answer.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import glob, json, os, sys
work = sys.argv[1]
n = 0
for f in sorted(glob.glob('src/test/resources/corpus/tuning*.json')):
    for a in json.load(open(f, encoding='utf-8')):
        with open(os.path.join(work, '%05d' % n), 'w', encoding='utf-8') as out:
            out.write(a['text'])
        n += 1
PY
zstd -q --train-cover "$work"/0* --maxdict=31000 -o "$work/trained"
python3 - "$work/trained" src/main/resources/dev/sightline/store/answer-dictionary-1.txt \
    src/main/resources/dev/sightline/store/answer-dictionary-3.txt <<'PY'
import sys
trained = open(sys.argv[1], 'rb').read()
repeat_offsets = b'\x01\x00\x00\x00\x04\x00\x00\x00\x08\x00\x00\x00'  # the end of zstd's entropy tables
content = trained[trained.index(repeat_offsets) + len(repeat_offsets):].decode('utf-8', 'ignore')
generic = open(sys.argv[2], encoding='utf-8').read()
dictionary = (content + generic).encode('utf-8')[-32768:].decode('utf-8', 'ignore')
open(sys.argv[3], 'w', encoding='utf-8', newline='').write(dictionary)
PY
