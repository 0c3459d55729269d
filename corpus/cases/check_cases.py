#!/usr/bin/env python3
"""Sanity check of corpus/cases/*.jsonl: every line is one JSON object with the required
fields, ids are unique across files, expect/expectError/undef use the names of
docs/eval-format.md, undef cases live in undef-choices.jsonl (SCP ones anywhere), and every
$ref names an existing policy file without duplicate keys. Usage: python3 corpus/cases/check_cases.py"""
import json, glob, os, sys, re
from collections import Counter
D=os.path.dirname(os.path.abspath(__file__))
ALLOWED={'allowed','explicitDeny','implicitDeny','error'}
KINDS=set("syntax duplicate-key invalid-type invalid-version missing-statement missing-effect invalid-effect missing-action missing-resource unsupported-combination invalid-element principal-in-identity-policy missing-principal invalid-principal invalid-action variable-in-element invalid-variable unknown-operator null-with-ifexists invalid-condition-key duplicate-condition-key invalid-sid invalid-arn invalid-character too-many-boundaries invalid-request line-too-long".split())
UNDEF=set("scp-implicit-deny multivalued-without-set-operator set-operator-with-ifexists type-mismatch variable-in-bool wildcard-in-arn-prefix wildcard-in-variable-value empty-value-list".split())
def nodup(pairs):
    ks=[k for k,_ in pairs]
    if len(ks)!=len(set(ks)): raise ValueError('duplicate key in case line: %r'%ks)
    return dict(pairs)
ids=Counter(); errs=0; total=0; per={}
for f in sorted(glob.glob(D+'/*.jsonl')):
    n=0
    for ln,line in enumerate(open(f,encoding='utf-8'),1):
        if not line.strip(): print(f,ln,'blank line'); errs+=1; continue
        try: c=json.loads(line,object_pairs_hook=nodup)
        except Exception as e: print(f,ln,'bad JSON',e); errs+=1; continue
        n+=1; total+=1
        for k in ('id','policies','request','expect','source'):
            if k not in c: print(f,ln,'missing',k); errs+=1
        ids[c.get('id')]+=1
        if c.get('expect') not in ALLOWED: print(f,ln,'bad expect',c.get('expect')); errs+=1
        if c.get('expect')=='error':
            if c.get('expectError') not in KINDS: print(f,ln,'bad expectError',c.get('expectError')); errs+=1
        elif 'expectError' in c: print(f,ln,'expectError without error'); errs+=1
        if 'undef' in c and c['undef'] not in UNDEF: print(f,ln,'bad undef',c['undef']); errs+=1
        if 'undef' in c and not (f.endswith('undef-choices.jsonl') or c['undef']=='scp-implicit-deny'):
            print(f,ln,'undef case outside undef-choices'); errs+=1
        p=c['policies']
        for k in p:
            if k not in ('identity','boundary','scp','resource'): print(f,ln,'unknown policies key',k); errs+=1
        pols=list(p.get('identity',[]))+list(p.get('boundary',[]))+list(p.get('resource',[]))+[x for lvl in p.get('scp',[]) for x in lvl]
        for pol in pols:
            if isinstance(pol,dict) and '$ref' in pol:
                path=os.path.normpath(os.path.join(D,pol['$ref']))
                if not os.path.isfile(path): print(f,ln,'missing $ref',path); errs+=1
                else: json.load(open(path),object_pairs_hook=nodup)
        r=c['request']
        for k in ('principal','action','resource'):
            if k not in r: print(f,ln,'request missing',k); errs+=1
        for k,v in (r.get('context') or {}).items():
            if not (isinstance(v,(str,bool,int,float)) or (isinstance(v,list) and all(isinstance(x,str) for x in v))):
                print(f,ln,'bad context value',k,v); errs+=1
    per[os.path.basename(f)]=n
for i,cnt in ids.items():
    if cnt>1: print('duplicate id',i,cnt); errs+=1
for k,v in per.items(): print(f'{v:4d} {k}')
print('total',total,'errors',errs)
sys.exit(1 if errs else 0)
