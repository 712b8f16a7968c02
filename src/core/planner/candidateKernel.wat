;; The streamed greedy's per-cell filter (candidateKernel.ts, streamGreedy.ts) in WASM SIMD: of a block of scores it
;; finds the few cells a round keeps (per row its best, per item its best users, the best pairs of all), so the JS
;; loop reads those only. V8 does not vectorise the JS loop, and read cell by cell it was most of a streamed pass.
;; Compiled to candidateKernel.bytes.ts by scripts/build-wasm.mjs.
(module
  (memory (import "env" "memory") 1)

  ;; The largest lane of a (its four lanes ≥ 0, no NaN).
  (func $hmax (param $a v128) (result f32)
    (local.set $a (f32x4.pmax (local.get $a)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
    (local.set $a (f32x4.pmax (local.get $a)
      (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $a) (local.get $a))))
    (f32x4.extract_lane 0 (local.get $a)))

  ;; groupMax(blk, rows, q, tau, g, out): blk holds rows × q f32 scores, row-major (row stride q). Per row, per group
  ;; of g consecutive cells (g a multiple of 4; the row's last group may be shorter), the largest score v with
  ;; 0 < v ≤ tau, or 0 when none: f32 at out + 4·(r·ns + i), ns = ceil(q / g) groups a row.
  (func (export "groupMax")
    (param $blk i32) (param $rows i32) (param $q i32) (param $tau f32) (param $g i32) (param $out i32)
    (local $r i32) (local $row i32) (local $y i32) (local $k i32) (local $end i32) (local $m f32) (local $v f32)
    (local $acc v128) (local $x v128) (local $tv v128)
    (local.set $tv (f32x4.splat (local.get $tau)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $blk) (i32.shl (i32.mul (local.get $r) (local.get $q)) (i32.const 2))))
        (local.set $y (i32.const 0))
        ;; whole groups: lane-wise maxima of the cells ≤ tau (others masked to +0), then across the lanes
        (block $groupsDone
          (loop $groupLoop
            (br_if $groupsDone (i32.gt_u (i32.add (local.get $y) (local.get $g)) (local.get $q)))
            (local.set $acc (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.add (local.get $row) (i32.shl (local.get $y) (i32.const 2))))
            (local.set $end (i32.add (local.get $k) (i32.shl (local.get $g) (i32.const 2))))
            (loop $cellLoop
              (local.set $x (v128.load (local.get $k)))
              (local.set $acc (f32x4.pmax (local.get $acc)
                (v128.and (local.get $x) (f32x4.le (local.get $x) (local.get $tv)))))
              (local.set $k (i32.add (local.get $k) (i32.const 16)))
              (br_if $cellLoop (i32.lt_u (local.get $k) (local.get $end))))
            (f32.store (local.get $out) (call $hmax (local.get $acc)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $y (i32.add (local.get $y) (local.get $g)))
            (br $groupLoop)))
        ;; the shorter last group, cell by cell
        (if (i32.lt_u (local.get $y) (local.get $q))
          (then
            (local.set $m (f32.const 0))
            (block $tailDone
              (loop $tailLoop
                (br_if $tailDone (i32.ge_u (local.get $y) (local.get $q)))
                (local.set $v (f32.load (i32.add (local.get $row) (i32.shl (local.get $y) (i32.const 2)))))
                (if (i32.and (f32.le (local.get $v) (local.get $tau)) (f32.gt (local.get $v) (local.get $m)))
                  (then (local.set $m (local.get $v))))
                (local.set $y (i32.add (local.get $y) (i32.const 1)))
                (br $tailLoop)))
            (f32.store (local.get $out) (local.get $m))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; filter(blk, rows, q, tau, bar, thr, idx, vals, ends): the cells y of row r (blk as in groupMax) with v ≤ tau
  ;; and (v > bar[y] or v > thr[r]) (bar: q f32, thr: rows f32): their y as i32 from idx and their v as f32 from vals,
  ;; row after row and ascending within a row (the caller reads them in order, not the block, long out of cache);
  ;; ends[r] (i32) is the count written up to the end of row r. Returns the total.
  (func (export "filter")
    (param $blk i32) (param $rows i32) (param $q i32) (param $tau f32) (param $bar i32) (param $thr i32)
    (param $idx i32) (param $vals i32) (param $ends i32) (result i32)
    (local $r i32) (local $row i32) (local $y i32) (local $n i32) (local $bits i32) (local $t f32) (local $v f32)
    (local $lane i32)
    (local $x v128) (local $tv v128) (local $w v128)
    (local.set $tv (f32x4.splat (local.get $tau)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $blk) (i32.shl (i32.mul (local.get $r) (local.get $q)) (i32.const 2))))
        (local.set $t (f32.load (i32.add (local.get $thr) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $w (f32x4.splat (local.get $t)))
        (local.set $y (i32.const 0))
        (block $vecDone
          (loop $vecLoop
            (br_if $vecDone (i32.gt_u (i32.add (local.get $y) (i32.const 4)) (local.get $q)))
            (local.set $x (v128.load (i32.add (local.get $row) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $bits (i32x4.bitmask
              (v128.and
                (v128.or
                  (f32x4.gt (local.get $x) (v128.load (i32.add (local.get $bar) (i32.shl (local.get $y) (i32.const 2)))))
                  (f32x4.gt (local.get $x) (local.get $w)))
                (f32x4.le (local.get $x) (local.get $tv)))))
            (block $bitsDone
              (loop $bitLoop
                (br_if $bitsDone (i32.eqz (local.get $bits)))
                (local.set $lane (i32.add (local.get $y) (i32.ctz (local.get $bits))))
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $n) (i32.const 2))) (local.get $lane))
                (f32.store (i32.add (local.get $vals) (i32.shl (local.get $n) (i32.const 2)))
                  (f32.load (i32.add (local.get $row) (i32.shl (local.get $lane) (i32.const 2)))))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
                (br $bitLoop)))
            (local.set $y (i32.add (local.get $y) (i32.const 4)))
            (br $vecLoop)))
        ;; the last q mod 4 cells one at a time
        (block $tailDone
          (loop $tailLoop
            (br_if $tailDone (i32.ge_u (local.get $y) (local.get $q)))
            (local.set $v (f32.load (i32.add (local.get $row) (i32.shl (local.get $y) (i32.const 2)))))
            (if (i32.and
                  (f32.le (local.get $v) (local.get $tau))
                  (i32.or
                    (f32.gt (local.get $v) (f32.load (i32.add (local.get $bar) (i32.shl (local.get $y) (i32.const 2)))))
                    (f32.gt (local.get $v) (local.get $t))))
              (then
                (i32.store (i32.add (local.get $idx) (i32.shl (local.get $n) (i32.const 2))) (local.get $y))
                (f32.store (i32.add (local.get $vals) (i32.shl (local.get $n) (i32.const 2))) (local.get $v))
                (local.set $n (i32.add (local.get $n) (i32.const 1)))))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $tailLoop)))
        (i32.store (i32.add (local.get $ends) (i32.shl (local.get $r) (i32.const 2))) (local.get $n))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop)))
    (local.get $n)))
