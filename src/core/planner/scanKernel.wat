;; A raise's column scan (auctionScans.ts, cheapestOutsiders) in WASM SIMD: V8 does not vectorise the JS loop, and the
;; scan is most of a raise. Compiled to scanKernel.bytes.ts by scripts/build-wasm.mjs.
(module
  (memory (import "env" "memory") 1)
  ;; blockMins(t, k, mb, n, out): t, k and mb are byte offsets of a column of the transposed scores (f32 per user), of
  ;; the users' K-th values (f32) and of the column's membership bytes (1: the user holds the item). For each whole
  ;; block of 16 users writes min over its outsiders of k[x] - t[x] (+inf when all hold it) as f32 at out + 4·block;
  ;; returns the number of blocks written (n / 16, rounded down: the caller reads the last n mod 16 users itself).
;; The lane-wise minimum over one block's outsiders of k[x] - t[x] (+inf for members): 16 users as 4 × f32x4.
  (func $block (param $t i32) (param $k i32) (param $mb i32) (result v128)
    (local $inf v128) (local $m8 v128) (local $lo v128) (local $hi v128)
    (local.set $inf (f32x4.splat (f32.const inf)))
    ;; 0xff for each outsider's byte, widened to one 32-bit lane mask per user
    (local.set $m8 (i8x16.eq (v128.load (local.get $mb)) (v128.const i32x4 0 0 0 0)))
    (local.set $lo (i16x8.extend_low_i8x16_s (local.get $m8)))
    (local.set $hi (i16x8.extend_high_i8x16_s (local.get $m8)))
    (f32x4.min
      (f32x4.min
        (v128.bitselect
          (f32x4.sub (v128.load (local.get $k)) (v128.load (local.get $t)))
          (local.get $inf) (i32x4.extend_low_i16x8_s (local.get $lo)))
        (v128.bitselect
          (f32x4.sub (v128.load offset=16 (local.get $k)) (v128.load offset=16 (local.get $t)))
          (local.get $inf) (i32x4.extend_high_i16x8_s (local.get $lo))))
      (f32x4.min
        (v128.bitselect
          (f32x4.sub (v128.load offset=32 (local.get $k)) (v128.load offset=32 (local.get $t)))
          (local.get $inf) (i32x4.extend_low_i16x8_s (local.get $hi)))
        (v128.bitselect
          (f32x4.sub (v128.load offset=48 (local.get $k)) (v128.load offset=48 (local.get $t)))
          (local.get $inf) (i32x4.extend_high_i16x8_s (local.get $hi))))))

  ;; blockMins(t, k, mb, n, out): t, k and mb are byte offsets of a column of the transposed scores (f32 per user), of
  ;; the users' K-th values (f32) and of the column's membership bytes (1: the user holds the item). For each whole
  ;; block of 16 users writes min over its outsiders of k[x] - t[x] (+inf when all hold it) as f32 at out + 4·block;
  ;; returns the number of blocks written (n / 16, rounded down: the caller reads the last n mod 16 users itself).
  ;; Four blocks at a time, their four lane-minima reduced together by two rounds of shuffles into one store.
  (func (export "blockMins") (param $t i32) (param $k i32) (param $mb i32) (param $n i32) (param $out i32) (result i32)
    (local $b i32) (local $nb i32) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $a v128) (local $c v128)
    (local.set $nb (i32.shr_u (local.get $n) (i32.const 4)))
    (block $done4
      (loop $next4
        (br_if $done4 (i32.gt_u (i32.add (local.get $b) (i32.const 4)) (local.get $nb)))
        (local.set $v0 (call $block (local.get $t) (local.get $k) (local.get $mb)))
        (local.set $v1 (call $block (i32.add (local.get $t) (i32.const 64)) (i32.add (local.get $k) (i32.const 64)) (i32.add (local.get $mb) (i32.const 16))))
        (local.set $v2 (call $block (i32.add (local.get $t) (i32.const 128)) (i32.add (local.get $k) (i32.const 128)) (i32.add (local.get $mb) (i32.const 32))))
        (local.set $v3 (call $block (i32.add (local.get $t) (i32.const 192)) (i32.add (local.get $k) (i32.const 192)) (i32.add (local.get $mb) (i32.const 48))))
        ;; a = [min(v0.0, v0.2), min(v0.1, v0.3), min(v1.0, v1.2), min(v1.1, v1.3)], c likewise for v2, v3
        (local.set $a (f32x4.min
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v0) (local.get $v1))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v0) (local.get $v1))))
        (local.set $c (f32x4.min
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $v2) (local.get $v3))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $v2) (local.get $v3))))
        ;; [min v0, min v1, min v2, min v3]
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 2)))
          (f32x4.min
            (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $c))
            (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $c))))
        (local.set $t (i32.add (local.get $t) (i32.const 256)))
        (local.set $k (i32.add (local.get $k) (i32.const 256)))
        (local.set $mb (i32.add (local.get $mb) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $next4)))
    ;; the last nb mod 4 blocks one at a time
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $b) (local.get $nb)))
        (local.set $a (call $block (local.get $t) (local.get $k) (local.get $mb)))
        (local.set $a (f32x4.min (local.get $a)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a))))
        (local.set $a (f32x4.min (local.get $a)
          (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $a) (local.get $a))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 2))) (f32x4.extract_lane 0 (local.get $a)))
        (local.set $t (i32.add (local.get $t) (i32.const 64)))
        (local.set $k (i32.add (local.get $k) (i32.const 64)))
        (local.set $mb (i32.add (local.get $mb) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $next)))
    (local.get $nb)))
