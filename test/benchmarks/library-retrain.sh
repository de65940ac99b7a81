#!/bin/bash
# Issue 8 measured through the CLI (not part of npm test): train on fer2013-happy-sad; predict --save a fixed,
# stratified half of photos-happy-sad and confirm/correct it with the true labels; retrain --library; accuracy
# on the other half before and after, and the retrain time against the first training. Usage:
#   test/benchmarks/library-retrain.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/lib-measure}
rm -rf "$OUT"; mkdir -p "$OUT"
H="$OUT/home"; FER=../shared/datasets/fer2013-happy-sad; PH=../shared/datasets/photos-happy-sad
HS="node bin/happysad.js"
# a fixed, stratified half: within each class, sorted by name, even positions -> A (predicted, saved, reviewed), odd -> B (held out)
mkdir -p "$OUT/A" "$OUT/B/happy" "$OUT/B/sad"
: > "$OUT/truth.tsv"
for c in happy sad; do
  i=0
  for f in $(ls "$PH/$c" | sort); do
    if [ $((i % 2)) -eq 0 ]; then cp "$PH/$c/$f" "$OUT/A/$c-$f"; printf '%s\t%s\n' "$OUT/A/$c-$f" "$c" >> "$OUT/truth.tsv"; else cp "$PH/$c/$f" "$OUT/B/$c/$f"; fi
    i=$((i+1))
  done
done
echo "A: $(ls $OUT/A | wc -l) images; B: $(ls $OUT/B/happy | wc -l) happy + $(ls $OUT/B/sad | wc -l) sad"
t0=$(date +%s.%N); $HS train --data $FER --home "$H" --json > "$OUT/train.json" 2> "$OUT/train.err"; t1=$(date +%s.%N)
echo "train wall $(echo "$t1 - $t0" | bc) s"
$HS eval --data "$OUT/B" --home "$H" --json > "$OUT/eval-before.json" 2>/dev/null
$HS predict "$OUT/A" --save --home "$H" --json > "$OUT/predict.json" 2>/dev/null
# confirm the right ones, correct the wrong ones, with their true labels
node -e '
const fs=require("fs"); const [pj,tt]=process.argv.slice(1);
const truth=new Map(fs.readFileSync(tt,"utf8").trim().split("\n").map(l=>l.split("\t")));
const r=JSON.parse(fs.readFileSync(pj,"utf8").trim().split("\n").pop());
const right=[],wrong=[]; for (const p of r.results) (truth.get(p.file)===p.label?right:wrong).push(p.saved.id);
fs.writeFileSync(process.argv[3]+".right", right.join(" ")); fs.writeFileSync(process.argv[3]+".wrong", wrong.join(" "));
console.log(`predicted A: ${right.length} right, ${wrong.length} wrong`);' "$OUT/predict.json" "$OUT/truth.tsv" "$OUT/review"
[ -s "$OUT/review.right" ] && $HS library confirm $(cat "$OUT/review.right") --home "$H" 2>/dev/null
[ -s "$OUT/review.wrong" ] && $HS library correct $(cat "$OUT/review.wrong") --home "$H" 2>/dev/null
$HS library list --home "$H" --limit 1 2>/dev/null | head -1
t0=$(date +%s.%N); $HS retrain --library --home "$H" --json > "$OUT/retrain.json" 2> "$OUT/retrain.err"; t1=$(date +%s.%N)
echo "retrain wall $(echo "$t1 - $t0" | bc) s"
$HS eval --data "$OUT/B" --home "$H" --json > "$OUT/eval-after.json" 2>/dev/null
node -e '
const fs=require("fs"); const o=process.argv[1]; const j=(f)=>JSON.parse(fs.readFileSync(o+"/"+f,"utf8").trim().split("\n").pop());
const t=j("train.json"), r=j("retrain.json"), b=j("eval-before.json"), a=j("eval-after.json");
console.log(JSON.stringify({trainSeconds:t.seconds, retrainSeconds:r.seconds, ratio:r.seconds/t.seconds, retrainEmbedding:r.embedding, promotion:r.promotion, previewLibrary:r.preview.library, previewTotal:r.preview.total,
 before:{model:b.modelId, n:b.n, acc:b.accuracy, bal:b.balancedAccuracy, sadRecall:b.perClass.sad.recall}, after:{model:a.modelId, n:a.n, acc:a.accuracy, bal:a.balancedAccuracy, sadRecall:a.perClass.sad.recall}}, null, 1));' "$OUT"
grep -A8 "^Retrain from" "$OUT/retrain.err" | head -8
