;; A raise's column scan (auctionScans.ts, cheapestOutsiders) in WASM SIMD: V8 does not vectorise the JS loop, and the
;; scan is most of a raise. Compiled to scanKernel.bytes.ts by scripts/build-wasm.mjs.
(module
  (memory (import "env" "memory") 1)
  ;; blockMins(t, k, mb, n, out): t, k and mb are byte offsets of a column of the transposed scores (f32 per user), of
  ;; the users' K-th values (f32) and of the column's membership bytes (1: the user holds the item). For each whole
  ;; block of 16 users writes min over its outsiders of k[x] - t[x] (+inf when all hold it) as f32 at out + 4·block;
  ;; returns the number of blocks written (n / 16, rounded down: the caller reads the last n mod 16 users itself).
  (func (export "blockMins") (param $t i32) (param $k i32) (param $mb i32) (param $n i32) (param $out i32) (result i32)
    (local $b i32) (local $nb i32) (local $inf v128) (local $m8 v128) (local $lo v128) (local $hi v128) (local $mn v128)
    (local.set $inf (f32x4.splat (f32.const inf)))
    (local.set $nb (i32.shr_u (local.get $n) (i32.const 4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $b) (local.get $nb)))
        ;; 0xff for each outsider's byte, widened to one 32-bit lane mask per user
        (local.set $m8 (i8x16.eq (v128.load (local.get $mb)) (v128.const i32x4 0 0 0 0)))
        (local.set $lo (i16x8.extend_low_i8x16_s (local.get $m8)))
        (local.set $hi (i16x8.extend_high_i8x16_s (local.get $m8)))
        (local.set $mn
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
        ;; the four lanes' minimum
        (local.set $mn (f32x4.min (local.get $mn)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $mn) (local.get $mn))))
        (local.set $mn (f32x4.min (local.get $mn)
          (i8x16.shuffle 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 (local.get $mn) (local.get $mn))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $b) (i32.const 2))) (f32x4.extract_lane 0 (local.get $mn)))
        (local.set $t (i32.add (local.get $t) (i32.const 64)))
        (local.set $k (i32.add (local.get $k) (i32.const 64)))
        (local.set $mb (i32.add (local.get $mb) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $next)))
    (local.get $nb)))
