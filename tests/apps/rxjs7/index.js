'use strict';
// v8snap test app: synchronous rxjs 7 pipelines (of/map/filter/reduce/scan, Subject, BehaviorSubject).
const { of, from, range, Subject, BehaviorSubject, merge, zip, concat } = require('rxjs');
const { map, filter, reduce, scan, take, toArray, distinctUntilChanged, pairwise, mergeMap, catchError } =
  require('rxjs/operators');

function show(label, obs) {
  const seen = [];
  obs.subscribe({
    next: (v) => seen.push(JSON.stringify(v)),
    error: (e) => seen.push(`error(${e.message})`),
    complete: () => seen.push('|'),
  });
  console.log(`${label}: ${seen.join(' ')}`);
}

show('of/map/filter', of(1, 2, 3, 4, 5, 6).pipe(map((x) => x * 10), filter((x) => x % 20 === 0)));
show('reduce', range(1, 10).pipe(reduce((a, b) => a + b, 0)));
show('scan', from([1, 2, 3, 4]).pipe(scan((acc, x) => acc * x, 1)));
show('distinct', of(1, 1, 2, 2, 2, 3, 1).pipe(distinctUntilChanged(), toArray()));
show('pairwise', of('a', 'b', 'c').pipe(pairwise()));
show('zip', zip(of(1, 2, 3), of('x', 'y', 'z')));
show('concat/take', concat(of(1, 2), of(3, 4)).pipe(take(3)));
show('mergeMap', of(1, 2).pipe(mergeMap((x) => of(x, x * 100))));
show('catchError', of(1, 2, 3).pipe(
  map((x) => { if (x === 2) throw new Error('two'); return x; }),
  catchError((e) => of(`recovered:${e.message}`)),
));

const subject = new Subject();
const log = [];
subject.pipe(map((s) => s.toUpperCase())).subscribe((v) => log.push(`A:${v}`));
const subB = subject.subscribe((v) => log.push(`B:${v}`));
subject.next('x');
subB.unsubscribe();
subject.next('y');
subject.complete();
console.log('subject:', log.join(' '), '| observed:', subject.observed);

const state = new BehaviorSubject(0);
const states = [];
merge(state).subscribe((v) => states.push(v));
state.next(1);
state.next(2);
console.log('behavior subject:', states.join(','), 'value:', state.getValue());
console.log('rxjs version:', require('rxjs/package.json').version);
