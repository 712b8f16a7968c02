;; The decoder's softmax cross-entropy over one chunk of logits (ops.ts, decoderLoss; eq. 1) in WASM SIMD: bias,
;; max, exp, sum, the target's logit and the gradient w·(softmax − onehot) with its transpose and column sums, in one
;; kernel instead of a dozen tfjs ops that each pass over the [rows × V] chunk. It reads and writes the tfjs WASM
;; backend's own memory (decoderKernel.ts). Compiled to decoderKernel.bytes.ts by scripts/build-wasm.mjs, once as is
;; and once with a shared memory (the backend's threaded build).
(module
  (memory (import "env" "memory") 1)

  ;; e^x lane-wise for x ≤ 0 (Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2, a degree-7 polynomial in r, 2^n from the
  ;; exponent bits; about 1 ulp). x is first raised to −87.3365 (e^x = 2^−126, the least normal f32), so a logit
  ;; more than 87 below its row's maximum weighs 1.2e-38 instead of less: nothing next to the maximum's 1.
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (local.get $x) (f32x4.splat (f32.const -87.33654))))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504088896341)))))
    ;; r = x − n·ln2 in two parts (Cody-Waite), so r keeps its low bits
    (local.set $r (f32x4.sub
      (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693359375))))
      (f32x4.mul (local.get $n) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    ;; 1 + r + p·r², times 2^n (n ≥ −126 after the clamp above)
    (f32x4.mul
      (f32x4.add
        (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
        (f32x4.splat (f32.const 1)))
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (i32x4.splat (i32.const 127))) (i32.const 23))))

  ;; Row r of the chunk, before its gradient is scaled: G[r, y] = e^(L[r, y] + bias[y] − m) with m the row's
  ;; maximum, and G[r, t] = e^(...) − Z at the target t (so that scaling by w/Z gives w·(p_t − 1) there). Writes
  ;; m, Z = Σ_y e^(...), the target's logit L[r, t] + bias[t] and w/Z to stats (4 f32).
  (func $row (param $l i32) (param $g i32) (param $bias i32) (param $t i32) (param $w f32) (param $stats i32)
    (param $V i32)
    (local $y i32) (local $v4 i32) (local $x v128) (local $mv v128) (local $s0 v128) (local $s1 v128) (local $m f32)
    (local $z f32) (local $xt f32) (local $e f32) (local $ga i32)
    (local.set $v4 (i32.and (local.get $V) (i32.const -4)))
    ;; pass 1: logits plus bias into G, and their maximum
    (local.set $mv (f32x4.splat (f32.const -inf)))
    (local.set $y (i32.const 0))
    (block $d1
      (loop $l1
        (br_if $d1 (i32.ge_u (local.get $y) (local.get $v4)))
        (local.set $x (f32x4.add
          (v128.load (i32.add (local.get $l) (i32.shl (local.get $y) (i32.const 2))))
          (v128.load (i32.add (local.get $bias) (i32.shl (local.get $y) (i32.const 2))))))
        (v128.store (i32.add (local.get $g) (i32.shl (local.get $y) (i32.const 2))) (local.get $x))
        (local.set $mv (f32x4.max (local.get $mv) (local.get $x)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (br $l1)))
    (local.set $m (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $mv)) (f32x4.extract_lane 1 (local.get $mv)))
      (f32.max (f32x4.extract_lane 2 (local.get $mv)) (f32x4.extract_lane 3 (local.get $mv)))))
    (block $d1t
      (loop $l1t
        (br_if $d1t (i32.ge_u (local.get $y) (local.get $V)))
        (local.set $ga (i32.add (local.get $g) (i32.shl (local.get $y) (i32.const 2))))
        (f32.store (local.get $ga) (f32.add
          (f32.load (i32.add (local.get $l) (i32.shl (local.get $y) (i32.const 2))))
          (f32.load (i32.add (local.get $bias) (i32.shl (local.get $y) (i32.const 2))))))
        (local.set $m (f32.max (local.get $m) (f32.load (local.get $ga))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $l1t)))
    (local.set $xt (f32.load (i32.add (local.get $g) (i32.shl (local.get $t) (i32.const 2)))))
    ;; pass 2: e^(x − m) in place, and their sum (two accumulators)
    (local.set $mv (f32x4.splat (local.get $m)))
    (local.set $s0 (f32x4.splat (f32.const 0)))
    (local.set $s1 (f32x4.splat (f32.const 0)))
    (local.set $y (i32.const 0))
    (block $d2
      (loop $l2
        (br_if $d2 (i32.gt_u (i32.add (local.get $y) (i32.const 8)) (local.get $v4)))
        (local.set $ga (i32.add (local.get $g) (i32.shl (local.get $y) (i32.const 2))))
        (local.set $x (call $exp4 (f32x4.sub (v128.load (local.get $ga)) (local.get $mv))))
        (v128.store (local.get $ga) (local.get $x))
        (local.set $s0 (f32x4.add (local.get $s0) (local.get $x)))
        (local.set $x (call $exp4 (f32x4.sub (v128.load offset=16 (local.get $ga)) (local.get $mv))))
        (v128.store offset=16 (local.get $ga) (local.get $x))
        (local.set $s1 (f32x4.add (local.get $s1) (local.get $x)))
        (local.set $y (i32.add (local.get $y) (i32.const 8)))
        (br $l2)))
    (block $d2b
      (loop $l2b
        (br_if $d2b (i32.ge_u (local.get $y) (local.get $v4)))
        (local.set $ga (i32.add (local.get $g) (i32.shl (local.get $y) (i32.const 2))))
        (local.set $x (call $exp4 (f32x4.sub (v128.load (local.get $ga)) (local.get $mv))))
        (v128.store (local.get $ga) (local.get $x))
        (local.set $s0 (f32x4.add (local.get $s0) (local.get $x)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (br $l2b)))
    (local.set $s0 (f32x4.add (local.get $s0) (local.get $s1)))
    (local.set $z (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s0)) (f32x4.extract_lane 1 (local.get $s0)))
      (f32.add (f32x4.extract_lane 2 (local.get $s0)) (f32x4.extract_lane 3 (local.get $s0)))))
    (block $d2t
      (loop $l2t
        (br_if $d2t (i32.ge_u (local.get $y) (local.get $V)))
        (local.set $ga (i32.add (local.get $g) (i32.shl (local.get $y) (i32.const 2))))
        (local.set $e (f32x4.extract_lane 0
          (call $exp4 (f32x4.splat (f32.sub (f32.load (local.get $ga)) (local.get $m))))))
        (f32.store (local.get $ga) (local.get $e))
        (local.set $z (f32.add (local.get $z) (local.get $e)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $l2t)))
    ;; the one-hot part of the gradient, applied before the scaling
    (local.set $ga (i32.add (local.get $g) (i32.shl (local.get $t) (i32.const 2))))
    (f32.store (local.get $ga) (f32.sub (f32.load (local.get $ga)) (local.get $z)))
    (f32.store (local.get $stats) (local.get $m))
    (f32.store offset=4 (local.get $stats) (local.get $z))
    (f32.store offset=8 (local.get $stats) (local.get $xt))
    (f32.store offset=12 (local.get $stats) (f32.div (local.get $w) (local.get $z))))

  ;; Row r's scaled gradient G[r, y] · s in place, also into column r of GT (V × R) and added to db, one element at a
  ;; time from column y0 on (the last rows, fewer than 4, and the last V mod 4 columns of a block).
  (func $scaleOne (param $g i32) (param $gt i32) (param $db i32) (param $s f32) (param $y0 i32) (param $V i32)
    (param $rBytes i32)
    (local $y i32) (local $v f32) (local $ga i32) (local $da i32)
    (local.set $y (local.get $y0))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $y) (local.get $V)))
        (local.set $ga (i32.add (local.get $g) (i32.shl (local.get $y) (i32.const 2))))
        (local.set $v (f32.mul (f32.load (local.get $ga)) (local.get $s)))
        (f32.store (local.get $ga) (local.get $v))
        (f32.store (i32.add (local.get $gt) (i32.mul (local.get $y) (local.get $rBytes))) (local.get $v))
        (local.set $da (i32.add (local.get $db) (i32.shl (local.get $y) (i32.const 2))))
        (f32.store (local.get $da) (f32.add (f32.load (local.get $da)) (local.get $v)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $l))))

;; Rows r..r+3 at columns y..y+3 (g0: G[r, y]; gta: GT[y, r]; da: db[y]; st: stats of row r): scaled by each
  ;; row's w/Z in place, added to db, and as a 4 × 4 transpose into GT[y..y+3, r..r+3].
  (func $quad (param $g0 i32) (param $vBytes i32) (param $gta i32) (param $rBytes i32) (param $da i32) (param $st i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $t0 v128) (local $t1 v128)
    (local $t2 v128) (local $t3 v128) (local $p i32)
    (local.set $a0 (f32x4.mul (v128.load32_splat offset=12 (local.get $st)) (v128.load (local.get $g0))))
    (v128.store (local.get $g0) (local.get $a0))
    (local.set $p (i32.add (local.get $g0) (local.get $vBytes)))
    (local.set $a1 (f32x4.mul (v128.load32_splat offset=28 (local.get $st)) (v128.load (local.get $p))))
    (v128.store (local.get $p) (local.get $a1))
    (local.set $p (i32.add (local.get $p) (local.get $vBytes)))
    (local.set $a2 (f32x4.mul (v128.load32_splat offset=44 (local.get $st)) (v128.load (local.get $p))))
    (v128.store (local.get $p) (local.get $a2))
    (local.set $p (i32.add (local.get $p) (local.get $vBytes)))
    (local.set $a3 (f32x4.mul (v128.load32_splat offset=60 (local.get $st)) (v128.load (local.get $p))))
    (v128.store (local.get $p) (local.get $a3))
    (v128.store (local.get $da) (f32x4.add (v128.load (local.get $da))
      (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3)))))
    ;; t0 = [a00 a10 a01 a11], t1 = [a02 a12 a03 a13], t2 and t3 likewise for a2 and a3
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
    (v128.store (local.get $gta)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
    (local.set $p (i32.add (local.get $gta) (local.get $rBytes)))
    (v128.store (local.get $p)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
    (local.set $p (i32.add (local.get $p) (local.get $rBytes)))
    (v128.store (local.get $p)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
    (v128.store (i32.add (local.get $p) (local.get $rBytes))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3))))

  ;; xent(l, g, gt, bias, tgt, w, db, stats, R, V): byte offsets of the chunk's logits L (R × V f32, without the
  ;; bias; read only), the gradient G (R × V f32; may be L itself), its transpose GT (V × R f32), bias (V f32), the
  ;; targets (R i32, each in 0..V−1), the rows' weights w (R f32), db (V f32) and stats (R × 4 f32). Writes
  ;; G = w·(softmax(L + bias) − onehot(t)) row-wise, GT = Gᵀ, db = Σ_r G[r, ·] and per row (m, Z, logit of t, w/Z),
  ;; from which the caller forms the loss Σ_r w_r·(m_r + ln Z_r − logit_r). Rows go in blocks of 16 (then 4, then
  ;; one): each row's passes 1-2, then the block's scaling and transpose while its rows are still in cache. A block
  ;; of 16 rows fills whole 64-byte lines of GT, whose rows lie R·4 bytes apart (a power of two for whole chunks,
  ;; where 4-row blocks made every store of a column group miss the caches' same few sets).
  (func (export "xent") (param $l i32) (param $g i32) (param $gt i32) (param $bias i32) (param $tgt i32) (param $w i32)
    (param $db i32) (param $stats i32) (param $R i32) (param $V i32)
    (local $r i32) (local $j i32) (local $y i32) (local $q i32) (local $nb i32) (local $v4 i32) (local $vBytes i32)
    (local $rBytes i32) (local $g0 i32) (local $gta i32)
    (local.set $vBytes (i32.shl (local.get $V) (i32.const 2)))
    (local.set $rBytes (i32.shl (local.get $R) (i32.const 2)))
    (local.set $v4 (i32.and (local.get $V) (i32.const -4)))
    (memory.fill (local.get $db) (i32.const 0) (local.get $vBytes))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $R)))
        ;; rows in this block: 16, else 4, else 1
        (local.set $nb (select (i32.const 16) (select (i32.const 4) (i32.const 1)
          (i32.le_u (i32.add (local.get $r) (i32.const 4)) (local.get $R)))
          (i32.le_u (i32.add (local.get $r) (i32.const 16)) (local.get $R))))
        ;; passes 1-2 for the block's rows
        (local.set $j (local.get $r))
        (block $pd
          (loop $pl
            (br_if $pd (i32.ge_u (local.get $j) (i32.add (local.get $r) (local.get $nb))))
            (call $row
              (i32.add (local.get $l) (i32.mul (local.get $j) (local.get $vBytes)))
              (i32.add (local.get $g) (i32.mul (local.get $j) (local.get $vBytes)))
              (local.get $bias)
              (i32.load (i32.add (local.get $tgt) (i32.shl (local.get $j) (i32.const 2))))
              (f32.load (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
              (i32.add (local.get $stats) (i32.shl (local.get $j) (i32.const 4)))
              (local.get $V))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $pl)))
        (if (i32.ge_u (local.get $nb) (i32.const 4))
          (then
            ;; whole quads of rows × 4 columns at a time
            (local.set $y (i32.const 0))
            (block $cd
              (loop $cl
                (br_if $cd (i32.ge_u (local.get $y) (local.get $v4)))
                (local.set $g0 (i32.add (i32.add (local.get $g) (i32.mul (local.get $r) (local.get $vBytes)))
                  (i32.shl (local.get $y) (i32.const 2))))
                (local.set $gta (i32.add (i32.add (local.get $gt) (i32.shl (local.get $r) (i32.const 2)))
                  (i32.mul (local.get $y) (local.get $rBytes))))
                (local.set $q (i32.const 0))
                (block $qd
                  (loop $ql
                    (br_if $qd (i32.ge_u (local.get $q) (local.get $nb)))
                    (call $quad (local.get $g0) (local.get $vBytes) (local.get $gta) (local.get $rBytes)
                      (i32.add (local.get $db) (i32.shl (local.get $y) (i32.const 2)))
                      (i32.add (local.get $stats) (i32.shl (i32.add (local.get $r) (local.get $q)) (i32.const 4))))
                    (local.set $g0 (i32.add (local.get $g0) (i32.shl (local.get $vBytes) (i32.const 2))))
                    (local.set $gta (i32.add (local.get $gta) (i32.const 16)))
                    (local.set $q (i32.add (local.get $q) (i32.const 4)))
                    (br $ql)))
                (local.set $y (i32.add (local.get $y) (i32.const 4)))
                (br $cl)))
            ;; the block's last V mod 4 columns, element by element
            (local.set $y (local.get $v4)))
          (else (local.set $y (i32.const 0))))
        (local.set $j (local.get $r))
        (block $td
          (loop $tl
            (br_if $td (i32.ge_u (local.get $j) (i32.add (local.get $r) (local.get $nb))))
            (call $scaleOne
              (i32.add (local.get $g) (i32.mul (local.get $j) (local.get $vBytes)))
              (i32.add (local.get $gt) (i32.shl (local.get $j) (i32.const 2)))
              (local.get $db)
              (f32.load offset=12 (i32.add (local.get $stats) (i32.shl (local.get $j) (i32.const 4))))
              (local.get $y) (local.get $V) (local.get $rBytes))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tl)))
        (local.set $r (i32.add (local.get $r) (local.get $nb)))
        (br $rowLoop)))))
