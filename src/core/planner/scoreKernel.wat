;; Block scores of factored inputs (factors.ts) in WASM SIMD: out[r, y] = s[r] · (b[y] + Σ_d U[r, d] · Vt[d, y]),
;; optionally floored at 0. V8 does not vectorise the JS loop, and this product is most of a streamed planner pass
;; (paper appendix C.2: O(B·n·D) per block). Compiled to scoreKernel.bytes.ts by scripts/build-wasm.mjs.
(module
  (memory (import "env" "memory") 1)
  ;; scores(u, vt, bias, lam, out, rows, D, pPad, p, clamp, scratch, chunk): byte offsets u (rows × D f32, rows a
  ;; multiple of 4), vt (D × pPad f32, pPad a multiple of 8, zero-padded), bias (pPad f32), lam (rows f32), out
  ;; (rows × p f32, row stride p) and scratch (32 bytes). clamp ≠ 0 floors each score at 0 after the scale.
  ;; Tiles of 4 rows × 8 items: 8 f32x4 accumulators; per d two vector loads of Vt and four splat loads of U. Items go
  ;; in chunks of `chunk` (a multiple of 8) with every row inside, so a chunk's part of Vt stays in cache.
  (func (export "scores")
    (param $u i32) (param $vt i32) (param $bias i32) (param $lam i32) (param $out i32)
    (param $rows i32) (param $D i32) (param $pPad i32) (param $p i32) (param $clamp i32) (param $scratch i32)
    (param $chunk i32)
    (local $c0 i32) (local $c1 i32) (local $r i32) (local $y i32) (local $d i32) (local $up i32) (local $vp i32) (local $op i32) (local $k i32)
    (local $rowBytes i32) (local $vtBytes i32) (local $outBytes i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $b0 v128) (local $b1 v128) (local $s v128) (local $zero v128)
    (local.set $rowBytes (i32.shl (local.get $D) (i32.const 2)))
    (local.set $vtBytes (i32.shl (local.get $pPad) (i32.const 2)))
    (local.set $outBytes (i32.shl (local.get $p) (i32.const 2)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (block $chunksDone
     (loop $chunkLoop
      (br_if $chunksDone (i32.ge_u (local.get $c0) (local.get $p)))
      (local.set $c1 (i32.add (local.get $c0) (local.get $chunk)))
      (if (i32.gt_u (local.get $c1) (local.get $p)) (then (local.set $c1 (local.get $p))))
      (local.set $r (i32.const 0))
      (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $y (local.get $c0))
        (block $colsDone
          (loop $colLoop
            (br_if $colsDone (i32.ge_u (local.get $y) (local.get $c1)))
            (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $y) (i32.const 2)))))
            (local.set $a00 (local.get $b0)) (local.set $a01 (local.get $b1))
            (local.set $a10 (local.get $b0)) (local.set $a11 (local.get $b1))
            (local.set $a20 (local.get $b0)) (local.set $a21 (local.get $b1))
            (local.set $a30 (local.get $b0)) (local.set $a31 (local.get $b1))
            (local.set $up (i32.add (local.get $u) (i32.mul (local.get $r) (local.get $rowBytes))))
            (local.set $vp (i32.add (local.get $vt) (i32.shl (local.get $y) (i32.const 2))))
            (local.set $d (i32.const 0))
            (block $dDone
              (loop $dLoop
                (br_if $dDone (i32.ge_u (local.get $d) (local.get $D)))
                (local.set $b0 (v128.load (local.get $vp)))
                (local.set $b1 (v128.load offset=16 (local.get $vp)))
                (local.set $s (v128.load32_splat (local.get $up)))
                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat (i32.add (local.get $up) (local.get $rowBytes))))
                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat (i32.add (local.get $up) (i32.shl (local.get $rowBytes) (i32.const 1)))))
                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat (i32.add (local.get $up) (i32.mul (local.get $rowBytes) (i32.const 3)))))
                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $up (i32.add (local.get $up) (i32.const 4)))
                (local.set $vp (i32.add (local.get $vp) (local.get $vtBytes)))
                (local.set $d (i32.add (local.get $d) (i32.const 1)))
                (br $dLoop)))
            ;; scale by s[r + i], floor at 0 when asked, store (the last tile of a row lane by lane through scratch)
            (local.set $k (i32.const 0))
            (block $storeDone
              (loop $storeLoop
                (br_if $storeDone (i32.ge_u (local.get $k) (i32.const 4)))
                (local.set $s (v128.load32_splat (i32.add (local.get $lam)
                  (i32.shl (i32.add (local.get $r) (local.get $k)) (i32.const 2)))))
                (if (i32.eq (local.get $k) (i32.const 0))
                  (then (local.set $b0 (local.get $a00)) (local.set $b1 (local.get $a01))))
                (if (i32.eq (local.get $k) (i32.const 1))
                  (then (local.set $b0 (local.get $a10)) (local.set $b1 (local.get $a11))))
                (if (i32.eq (local.get $k) (i32.const 2))
                  (then (local.set $b0 (local.get $a20)) (local.set $b1 (local.get $a21))))
                (if (i32.eq (local.get $k) (i32.const 3))
                  (then (local.set $b0 (local.get $a30)) (local.set $b1 (local.get $a31))))
                (local.set $b0 (f32x4.mul (local.get $b0) (local.get $s)))
                (local.set $b1 (f32x4.mul (local.get $b1) (local.get $s)))
                (if (local.get $clamp)
                  (then
                    (local.set $b0 (f32x4.max (local.get $b0) (local.get $zero)))
                    (local.set $b1 (f32x4.max (local.get $b1) (local.get $zero)))))
                (local.set $op (i32.add (local.get $out)
                  (i32.add (i32.mul (i32.add (local.get $r) (local.get $k)) (local.get $outBytes))
                    (i32.shl (local.get $y) (i32.const 2)))))
                (if (i32.le_u (i32.add (local.get $y) (i32.const 8)) (local.get $p))
                  (then
                    (v128.store (local.get $op) (local.get $b0))
                    (v128.store offset=16 (local.get $op) (local.get $b1)))
                  (else
                    (v128.store (local.get $scratch) (local.get $b0))
                    (v128.store offset=16 (local.get $scratch) (local.get $b1))
                    (local.set $d (i32.const 0))
                    (block $laneDone
                      (loop $laneLoop
                        (br_if $laneDone (i32.ge_u (i32.add (local.get $y) (local.get $d)) (local.get $p)))
                        (f32.store
                          (i32.add (local.get $op) (i32.shl (local.get $d) (i32.const 2)))
                          (f32.load (i32.add (local.get $scratch) (i32.shl (local.get $d) (i32.const 2)))))
                        (local.set $d (i32.add (local.get $d) (i32.const 1)))
                        (br $laneLoop)))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $storeLoop)))
            (local.set $y (i32.add (local.get $y) (i32.const 8)))
            (br $colLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rowLoop)))
      (local.set $c0 (local.get $c1))
      (br $chunkLoop)))))
