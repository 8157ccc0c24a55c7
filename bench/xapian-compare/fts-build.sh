#!/bin/sh
# usage: fts-build.sh OUT.db N "PREFIXCLAUSE"   e.g. fts-build.sh fts/p234.db 200000 ", prefix = '2 3 4'"
# Builds an FTS5 table f(body) with rowid = entity id from the rec_txt strings of the first N entities.
set -e
OUT=$1; N=$2; PFX=$3
rm -f "$OUT" "$OUT-journal"
sqlite3 "$OUT" <<SQL
ATTACH 'file:/tmp/recallfs-scale/scale-1000000.db?mode=ro' AS src;
CREATE VIRTUAL TABLE f USING fts5(body, tokenize = 'unicode61 remove_diacritics 2'$PFX);
BEGIN;
INSERT INTO f(rowid, body)
  SELECT m.entity_id, (SELECT group_concat(json_extract(j.value, '\$.rec_txt'), char(10)) FROM json_each(m.value) j)
  FROM src.metadata_entries m WHERE m.entity_id <= $N AND +m.key = 'ocr_result' ORDER BY m.entity_id;
COMMIT;
SQL
