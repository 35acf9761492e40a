#!/usr/bin/env python3
# The review step's figure. Of the tasks the parser reads wrong (units, leads, a target's value or comparator), how many are among
# the items it marks doubtful (a warning names them; the check page lists them first)?
# Usage: scripts/review_recall.py PRED_DIR GOLD_DIR, PRED_DIR from `duban parse DOCS/*.txt -o PRED_DIR`.
import json, sys, glob, os
pred_dir, gold_dir = sys.argv[1], sys.argv[2]
tw = td = tot = doubt_all = 0
for gf in sorted(glob.glob(os.path.join(gold_dir, '*.json'))):
    name = os.path.basename(gf)
    pf = os.path.join(pred_dir, name)
    if not os.path.exists(pf):
        continue
    g = json.load(open(gf)); p = json.load(open(pf))
    def walk(items):
        for i in items:
            yield i
            yield from walk(i['children'])
    items = {tuple(i['path']): i for i in walk(p['items'])}
    doubted = set(tuple(w.get('path', [])) for w in p['warnings'])
    wrong = doubtful_wrong = 0
    for t in g['tasks']:
        i = items.get(tuple(t['path']))
        tot += 1
        if i is None:
            bad = True
        else:
            units = [u['name'] for u in i['units']]
            leads = [u['name'] for u in i['units'] if u['role'] == 'lead']
            gl = t.get('lead_units') or []
            tg = sorted((x['value'], x['op']) for x in t['targets'] if not x.get('optional'))
            tp = sorted((x['value'], x['op']) for x in i['targets'])
            opt = [(x['value'], x['op']) for x in t['targets'] if x.get('optional')]
            tp = [x for x in tp if x not in opt]
            bad = sorted(units) != sorted(t['units']) or (t.get('lead_units') is not None and sorted(leads) != sorted(gl)) or tg != tp
        if bad:
            wrong += 1
            if tuple(t['path']) in doubted:
                doubtful_wrong += 1
    nd = len(doubted)
    print(f"{name}: {len(g['tasks'])} tasks, {wrong} read wrong, {doubtful_wrong} of them doubtful; {nd} items doubtful")
    tw += wrong; td += doubtful_wrong; doubt_all += nd
print(f"ALL: {tot} tasks, {tw} read wrong, {td} of them among the {doubt_all} doubtful items")
