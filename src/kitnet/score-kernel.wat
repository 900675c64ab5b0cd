;; KitNET's scoring path (spec §5.5, §6) as WebAssembly: PackedScorer's arithmetic, in the same order, so its
;; scores are bit-identical to the JavaScript path (tested), two lanes at a time. Built to score-kernel.wasm by
;; scripts/build-wasm.ts. Plain JavaScript here is bound by the latency of each dot product's chain of additions and
;; by bounds checks; sums side by side in f64x2 lanes are not. On the conn model (101 inputs, 37 autoencoders):
;; JavaScript ~5 µs a row, `score` here ~3.4 µs, eight rows at once (the *Block functions) ~1.6 µs a row.
;;
;; Memory is the scorer's own (imported); ScoreKernel (score-kernel.ts) writes a header of byte offsets at 0 (see `init`), the
;; model's arrays after it, and each row to score at `x`. Lanes only ever hold different outputs, never parts of one
;; sum, and f64x2.add/mul round exactly as f64.add/mul: that is what keeps every score bit for bit.
(module
  (import "kitnet" "memory" (memory 1))
  ;; softClip and σ below the table's range use Math.log / Math.exp, which WebAssembly does not have
  (import "kitnet" "softClip" (func $softClip (param f64) (result f64)))
  (import "kitnet" "exactSigmoid" (func $exactSigmoid (param f64) (result f64)))

  (global $units (mut i32) (i32.const 0))
  (global $ensembleSlots (mut i32) (i32.const 0))
  (global $allSlots (mut i32) (i32.const 0))
  (global $clip (mut i32) (i32.const 0))
  (global $mapIndices (mut i32) (i32.const 0))
  (global $visibleStart (mut i32) (i32.const 0))
  (global $hiddenStart (mut i32) (i32.const 0))
  (global $weightStart (mut i32) (i32.const 0))
  (global $lo (mut i32) (i32.const 0))
  (global $denominator (mut i32) (i32.const 0))
  (global $visibleBias (mut i32) (i32.const 0))
  (global $hiddenBias (mut i32) (i32.const 0))
  (global $weights (mut i32) (i32.const 0))
  (global $encoderWeights (mut i32) (i32.const 0))
  (global $knots (mut i32) (i32.const 0))
  (global $x (mut i32) (i32.const 0))
  (global $normalised (mut i32) (i32.const 0))
  (global $hiddenActivation (mut i32) (i32.const 0))
  (global $reconstruction (mut i32) (i32.const 0))
  (global $layer (mut i32) (i32.const 0))
  ;; scoring eight rows at once (normaliseBlock, ensembleBlock, outputBlock)
  (global $width (mut i32) (i32.const 0))
  (global $blockRows (mut i32) (i32.const 0))
  (global $blockNormalised (mut i32) (i32.const 0))
  (global $blockHidden (mut i32) (i32.const 0))
  (global $blockReconstruction (mut i32) (i32.const 0))
  (global $blockScores (mut i32) (i32.const 0))
  ;; (x̂ − z)² of every slot from the last `score`, for explanations
  (global $squaredErrors (mut i32) (i32.const 0))

  ;; Reads the header: 27 i32 at byte 0, in the order of the globals above.
  (func (export "init")
    (global.set $units (i32.load offset=0 (i32.const 0)))
    (global.set $ensembleSlots (i32.load offset=4 (i32.const 0)))
    (global.set $allSlots (i32.load offset=8 (i32.const 0)))
    (global.set $clip (i32.load offset=12 (i32.const 0)))
    (global.set $mapIndices (i32.load offset=16 (i32.const 0)))
    (global.set $visibleStart (i32.load offset=20 (i32.const 0)))
    (global.set $hiddenStart (i32.load offset=24 (i32.const 0)))
    (global.set $weightStart (i32.load offset=28 (i32.const 0)))
    (global.set $lo (i32.load offset=32 (i32.const 0)))
    (global.set $denominator (i32.load offset=36 (i32.const 0)))
    (global.set $visibleBias (i32.load offset=40 (i32.const 0)))
    (global.set $hiddenBias (i32.load offset=44 (i32.const 0)))
    (global.set $weights (i32.load offset=48 (i32.const 0)))
    (global.set $encoderWeights (i32.load offset=52 (i32.const 0)))
    (global.set $knots (i32.load offset=56 (i32.const 0)))
    (global.set $x (i32.load offset=60 (i32.const 0)))
    (global.set $normalised (i32.load offset=64 (i32.const 0)))
    (global.set $hiddenActivation (i32.load offset=68 (i32.const 0)))
    (global.set $reconstruction (i32.load offset=72 (i32.const 0)))
    (global.set $layer (i32.load offset=76 (i32.const 0)))
    (global.set $width (i32.load offset=80 (i32.const 0)))
    (global.set $blockRows (i32.load offset=84 (i32.const 0)))
    (global.set $blockNormalised (i32.load offset=88 (i32.const 0)))
    (global.set $blockHidden (i32.load offset=92 (i32.const 0)))
    (global.set $blockReconstruction (i32.load offset=96 (i32.const 0)))
    (global.set $blockScores (i32.load offset=100 (i32.const 0)))
    (global.set $squaredErrors (i32.load offset=104 (i32.const 0))))

  ;; tableSigmoid of sigmoid.ts, operation for operation: knot k holds σ(t_k), h·σ′(t_k) at byte 16k.
  (func $sigmoid (param $t f64) (result f64)
    (local $u f64) (local $k i32) (local $f f64) (local $at i32)
    (local $y0 f64) (local $d0 f64) (local $d1 f64) (local $rise f64)
    (local.set $u (f64.mul (f64.add (local.get $t) (f64.const 32)) (f64.const 64)))
    (if (i32.and (f64.ge (local.get $u) (f64.const 0)) (f64.lt (local.get $u) (f64.const 4096)))
      (then
        (local.set $k (i32.trunc_f64_s (local.get $u)))
        (local.set $f (f64.sub (local.get $u) (f64.convert_i32_s (local.get $k))))
        (local.set $at (i32.add (global.get $knots) (i32.shl (local.get $k) (i32.const 4))))
        (local.set $y0 (f64.load (local.get $at)))
        (local.set $d0 (f64.load offset=8 (local.get $at)))
        (local.set $d1 (f64.load offset=24 (local.get $at)))
        (local.set $rise (f64.sub (f64.load offset=16 (local.get $at)) (local.get $y0)))
        ;; y0 + f·(d0 + f·(3·rise − 2·d0 − d1 + f·(d0 + d1 − 2·rise)))
        (return
          (f64.add (local.get $y0)
            (f64.mul (local.get $f)
              (f64.add (local.get $d0)
                (f64.mul (local.get $f)
                  (f64.add
                    (f64.sub
                      (f64.sub (f64.mul (f64.const 3) (local.get $rise)) (f64.mul (f64.const 2) (local.get $d0)))
                      (local.get $d1))
                    (f64.mul (local.get $f)
                      (f64.sub (f64.add (local.get $d0) (local.get $d1)) (f64.mul (f64.const 2) (local.get $rise))))))))))))
    (if (f64.ge (local.get $u) (f64.const 4096)) (then (return (f64.const 1))))
    (call $exactSigmoid (local.get $t)))

  ;; values[i] = σ(values[i]) for i < count, two at a time: the lanes' table lookups are done one by one, the
  ;; interpolation for both at once, each lane exactly as $sigmoid does it
  (func $sigmoidInPlace (param $values i32) (param $count i32)
    (local $end i32) (local $u v128) (local $k v128) (local $f v128) (local $at0 i32) (local $at1 i32)
    (local $lower v128) (local $upper v128) (local $y0 v128) (local $d0 v128) (local $d1 v128) (local $rise v128)
    (local.set $end (i32.add (local.get $values) (i32.shl (i32.and (local.get $count) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $values) (local.get $end)))
        (local.set $u
          (f64x2.mul (f64x2.add (v128.load (local.get $values)) (f64x2.splat (f64.const 32))) (f64x2.splat (f64.const 64))))
        (if (i64x2.all_true
              (v128.and (f64x2.ge (local.get $u) (f64x2.splat (f64.const 0))) (f64x2.lt (local.get $u) (f64x2.splat (f64.const 4096)))))
          (then
            (local.set $k (i32x4.trunc_sat_f64x2_s_zero (local.get $u)))
            (local.set $f (f64x2.sub (local.get $u) (f64x2.convert_low_i32x4_s (local.get $k))))
            (local.set $at0 (i32.add (global.get $knots) (i32.shl (i32x4.extract_lane 0 (local.get $k)) (i32.const 4))))
            (local.set $at1 (i32.add (global.get $knots) (i32.shl (i32x4.extract_lane 1 (local.get $k)) (i32.const 4))))
            ;; knot k is (σ, h·σ′), knot k + 1 follows: regroup them by lane
            (local.set $lower (v128.load (local.get $at0)))
            (local.set $upper (v128.load (local.get $at1)))
            (local.set $y0 (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lower) (local.get $upper)))
            (local.set $d0 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $lower) (local.get $upper)))
            (local.set $lower (v128.load offset=16 (local.get $at0)))
            (local.set $upper (v128.load offset=16 (local.get $at1)))
            (local.set $rise
              (f64x2.sub (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $lower) (local.get $upper)) (local.get $y0)))
            (local.set $d1 (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $lower) (local.get $upper)))
            (v128.store (local.get $values)
              (f64x2.add (local.get $y0)
                (f64x2.mul (local.get $f)
                  (f64x2.add (local.get $d0)
                    (f64x2.mul (local.get $f)
                      (f64x2.add
                        (f64x2.sub
                          (f64x2.sub
                            (f64x2.mul (f64x2.splat (f64.const 3)) (local.get $rise))
                            (f64x2.mul (f64x2.splat (f64.const 2)) (local.get $d0)))
                          (local.get $d1))
                        (f64x2.mul (local.get $f)
                          (f64x2.sub
                            (f64x2.add (local.get $d0) (local.get $d1))
                            (f64x2.mul (f64x2.splat (f64.const 2)) (local.get $rise)))))))))))
          (else
            (f64.store (local.get $values) (call $sigmoid (f64.load (local.get $values))))
            (f64.store offset=8 (local.get $values) (call $sigmoid (f64.load offset=8 (local.get $values))))))
        (local.set $values (i32.add (local.get $values) (i32.const 16)))
        (br $next)))
    (if (i32.and (local.get $count) (i32.const 1))
      (then (f64.store (local.get $values) (call $sigmoid (f64.load (local.get $values)))))))

  ;; out[o] = (0 + in[0]·w[o] + in[1]·w[n + o] + … + in[m−1]·w[(m−1)·n + o]) + bias[o] for o < n, each sum in that
  ;; order. Both halves of an autoencoder are this: the encoder with W (visible × hidden), the decoder with Wᵀ.
  (func $affine (param $in i32) (param $m i32) (param $w i32) (param $bias i32) (param $out i32) (param $n i32)
    (local $o i32) (local $i i32) (local $p i32) (local $stride i32) (local $at i32) (local $xi v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f64)
    (local.set $stride (i32.shl (local.get $n) (i32.const 3)))
    ;; eight outputs at a time: four independent chains of additions keep the adder busy
    (block $done8
      (loop $next8
        (br_if $done8 (i32.gt_u (i32.add (local.get $o) (i32.const 8)) (local.get $n)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $p (i32.add (local.get $w) (i32.shl (local.get $o) (i32.const 3))))
        (local.set $i (i32.const 0))
        (block $doneI
          (loop $nextI
            (br_if $doneI (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $xi (f64x2.splat (f64.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3))))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $xi) (v128.load offset=0 (local.get $p)))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $xi) (v128.load offset=16 (local.get $p)))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $xi) (v128.load offset=32 (local.get $p)))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $xi) (v128.load offset=48 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $nextI)))
        (local.set $at (i32.shl (local.get $o) (i32.const 3)))
        (v128.store offset=0 (i32.add (local.get $out) (local.get $at))
          (f64x2.add (local.get $a0) (v128.load offset=0 (i32.add (local.get $bias) (local.get $at)))))
        (v128.store offset=16 (i32.add (local.get $out) (local.get $at))
          (f64x2.add (local.get $a1) (v128.load offset=16 (i32.add (local.get $bias) (local.get $at)))))
        (v128.store offset=32 (i32.add (local.get $out) (local.get $at))
          (f64x2.add (local.get $a2) (v128.load offset=32 (i32.add (local.get $bias) (local.get $at)))))
        (v128.store offset=48 (i32.add (local.get $out) (local.get $at))
          (f64x2.add (local.get $a3) (v128.load offset=48 (i32.add (local.get $bias) (local.get $at)))))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $next8)))
    ;; then two at a time
    (block $done2
      (loop $next2
        (br_if $done2 (i32.gt_u (i32.add (local.get $o) (i32.const 2)) (local.get $n)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $p (i32.add (local.get $w) (i32.shl (local.get $o) (i32.const 3))))
        (local.set $i (i32.const 0))
        (block $doneI
          (loop $nextI
            (br_if $doneI (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $a0
              (f64x2.add (local.get $a0)
                (f64x2.mul
                  (f64x2.splat (f64.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))))
                  (v128.load (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $nextI)))
        (local.set $at (i32.shl (local.get $o) (i32.const 3)))
        (v128.store (i32.add (local.get $out) (local.get $at))
          (f64x2.add (local.get $a0) (v128.load (i32.add (local.get $bias) (local.get $at)))))
        (local.set $o (i32.add (local.get $o) (i32.const 2)))
        (br $next2)))
    ;; and the odd one out
    (if (i32.lt_u (local.get $o) (local.get $n))
      (then
        (local.set $s (f64.const 0))
        (local.set $p (i32.add (local.get $w) (i32.shl (local.get $o) (i32.const 3))))
        (local.set $i (i32.const 0))
        (block $doneI
          (loop $nextI
            (br_if $doneI (i32.ge_u (local.get $i) (local.get $m)))
            (local.set $s
              (f64.add (local.get $s)
                (f64.mul (f64.load (i32.add (local.get $in) (i32.shl (local.get $i) (i32.const 3)))) (f64.load (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $nextI)))
        (local.set $at (i32.shl (local.get $o) (i32.const 3)))
        (f64.store (i32.add (local.get $out) (local.get $at))
          (f64.add (local.get $s) (f64.load (i32.add (local.get $bias) (local.get $at))))))))

  ;; RMSE of x̂ − z for unit u, x̂ already in `normalised` at the unit's first slot.
  (func $unitRmse (param $u i32) (result f64)
    (local $v0 i32) (local $visible i32) (local $h0 i32) (local $hidden i32) (local $w0 i32)
    (local $nx i32) (local $end i32) (local $z i32) (local $kept i32) (local $e f64) (local $squaredError f64)
    (local.set $v0 (i32.load (i32.add (global.get $visibleStart) (i32.shl (local.get $u) (i32.const 2)))))
    (local.set $visible
      (i32.sub (i32.load offset=4 (i32.add (global.get $visibleStart) (i32.shl (local.get $u) (i32.const 2)))) (local.get $v0)))
    (local.set $h0 (i32.load (i32.add (global.get $hiddenStart) (i32.shl (local.get $u) (i32.const 2)))))
    (local.set $hidden
      (i32.sub (i32.load offset=4 (i32.add (global.get $hiddenStart) (i32.shl (local.get $u) (i32.const 2)))) (local.get $h0)))
    (local.set $w0 (i32.shl (i32.load (i32.add (global.get $weightStart) (i32.shl (local.get $u) (i32.const 2)))) (i32.const 3)))
    (local.set $nx (i32.add (global.get $normalised) (i32.shl (local.get $v0) (i32.const 3))))
    ;; y = σ(x̂ W + h_b), z = σ(y Wᵀ + v_b)
    (call $affine
      (local.get $nx) (local.get $visible) (i32.add (global.get $weights) (local.get $w0))
      (i32.add (global.get $hiddenBias) (i32.shl (local.get $h0) (i32.const 3)))
      (global.get $hiddenActivation) (local.get $hidden))
    (call $sigmoidInPlace (global.get $hiddenActivation) (local.get $hidden))
    (call $affine
      (global.get $hiddenActivation) (local.get $hidden) (i32.add (global.get $encoderWeights) (local.get $w0))
      (i32.add (global.get $visibleBias) (i32.shl (local.get $v0) (i32.const 3)))
      (global.get $reconstruction) (local.get $visible))
    (call $sigmoidInPlace (global.get $reconstruction) (local.get $visible))
    ;; squared errors added in input order, from 0, and each kept for explain
    (local.set $z (global.get $reconstruction))
    (local.set $kept (i32.add (global.get $squaredErrors) (i32.shl (local.get $v0) (i32.const 3))))
    (local.set $end (i32.add (local.get $nx) (i32.shl (local.get $visible) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $nx) (local.get $end)))
        (local.set $e (f64.sub (f64.load (local.get $nx)) (f64.load (local.get $z))))
        (f64.store (local.get $kept) (f64.mul (local.get $e) (local.get $e)))
        (local.set $squaredError (f64.add (local.get $squaredError) (f64.mul (local.get $e) (local.get $e))))
        (local.set $nx (i32.add (local.get $nx) (i32.const 8)))
        (local.set $z (i32.add (local.get $z) (i32.const 8)))
        (local.set $kept (i32.add (local.get $kept) (i32.const 8)))
        (br $next)))
    (f64.sqrt (f64.div (local.get $squaredError) (f64.convert_i32_s (local.get $visible)))))

  ;; normalised[slot] = (value − lo[slot]) / denominator[slot], soft-clipped outside [0, 1] when the model says so
  (func $normalise (param $slot i32) (param $value f64)
    (local $at i32) (local $v f64)
    (local.set $at (i32.shl (local.get $slot) (i32.const 3)))
    (local.set $v
      (f64.div
        (f64.sub (local.get $value) (f64.load (i32.add (global.get $lo) (local.get $at))))
        (f64.load (i32.add (global.get $denominator) (local.get $at)))))
    (if (global.get $clip)
      (then
        (if (i32.eqz (i32.and (f64.ge (local.get $v) (f64.const 0)) (f64.le (local.get $v) (f64.const 1))))
          (then (local.set $v (call $softClip (local.get $v)))))))
    (f64.store (i32.add (global.get $normalised) (local.get $at)) (local.get $v)))

  ;; The anomaly score of the row at `x` (KitNET's execute).
  (func (export "score") (result f64)
    (local $slot i32) (local $u i32) (local $ensembleUnits i32)
    (local.set $ensembleUnits (i32.sub (global.get $units) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $slot) (global.get $ensembleSlots)))
        (call $normalise (local.get $slot)
          (f64.load
            (i32.add (global.get $x)
              (i32.shl (i32.load (i32.add (global.get $mapIndices) (i32.shl (local.get $slot) (i32.const 2)))) (i32.const 3)))))
        (local.set $slot (i32.add (local.get $slot) (i32.const 1)))
        (br $next)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $u) (local.get $ensembleUnits)))
        (f64.store (i32.add (global.get $layer) (i32.shl (local.get $u) (i32.const 3))) (call $unitRmse (local.get $u)))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $next)))
    ;; the output autoencoder's inputs are the ensemble's RMSEs
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $slot) (global.get $allSlots)))
        (call $normalise (local.get $slot)
          (f64.load
            (i32.add (global.get $layer) (i32.shl (i32.sub (local.get $slot) (global.get $ensembleSlots)) (i32.const 3)))))
        (local.set $slot (i32.add (local.get $slot) (i32.const 1)))
        (br $next)))
    (call $unitRmse (local.get $ensembleUnits)))
  ;; ---- Eight rows at once ----------------------------------------------------------------------------------------
  ;; A block is eight rows, lane r of every value belonging to row r: x̂ at blockNormalised + 64·slot, y and z likewise
  ;; at blockHidden/blockReconstruction + 64·unit. Every operation is the single-row path's, applied per lane, so
  ;; each row's score is what `score` gives it; the rows' sums are independent, so nothing waits on a chain of
  ;; additions, and each weight is read once for eight rows. JavaScript soft-clips x̂ between the steps
  ;; (normaliseBlock, ensembleBlock, outputBlock): a call out per value would cost more than the whole unit.

  ;; x̂ of the ensemble's inputs for the eight rows at blockRows (row-major, `width` values each)
  (func (export "normaliseBlock")
    (local $slot i32) (local $column i32) (local $row i32) (local $stride i32) (local $out i32)
    (local $lo v128) (local $denominator v128)
    (local.set $stride (i32.shl (global.get $width) (i32.const 3)))
    (local.set $out (global.get $blockNormalised))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $slot) (global.get $ensembleSlots)))
        (local.set $column
          (i32.add (global.get $blockRows)
            (i32.shl (i32.load (i32.add (global.get $mapIndices) (i32.shl (local.get $slot) (i32.const 2)))) (i32.const 3))))
        (local.set $lo (v128.load64_splat (i32.add (global.get $lo) (i32.shl (local.get $slot) (i32.const 3)))))
        (local.set $denominator (v128.load64_splat (i32.add (global.get $denominator) (i32.shl (local.get $slot) (i32.const 3)))))
        ;; rows 2k and 2k + 1 in one pair of lanes
        (local.set $row (i32.const 0))
        (block $rowsDone
          (loop $nextRows
            (br_if $rowsDone (i32.ge_u (local.get $row) (i32.const 8)))
            (v128.store (local.get $out)
              (f64x2.div
                (f64x2.sub
                  (v128.load64_lane 1
                    (i32.add (local.get $column) (i32.mul (i32.add (local.get $row) (i32.const 1)) (local.get $stride)))
                    (v128.load64_splat (i32.add (local.get $column) (i32.mul (local.get $row) (local.get $stride)))))
                  (local.get $lo))
                (local.get $denominator)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $row (i32.add (local.get $row) (i32.const 2)))
            (br $nextRows)))
        (local.set $slot (i32.add (local.get $slot) (i32.const 1)))
        (br $next))))

  ;; RMSE of x̂ − z of unit u for the eight rows, into blockScores
  (func $unitBlock (param $u i32)
    (local $v0 i32) (local $visible i32) (local $h0 i32) (local $hidden i32) (local $w0 i32) (local $nx i32)
    (local $j i32) (local $i i32) (local $p i32) (local $q i32) (local $step i32) (local $out i32) (local $w v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $bias v128)
    (local $e v128) (local $divisor v128)
    (local.set $v0 (i32.load (i32.add (global.get $visibleStart) (i32.shl (local.get $u) (i32.const 2)))))
    (local.set $visible
      (i32.sub (i32.load offset=4 (i32.add (global.get $visibleStart) (i32.shl (local.get $u) (i32.const 2)))) (local.get $v0)))
    (local.set $h0 (i32.load (i32.add (global.get $hiddenStart) (i32.shl (local.get $u) (i32.const 2)))))
    (local.set $hidden
      (i32.sub (i32.load offset=4 (i32.add (global.get $hiddenStart) (i32.shl (local.get $u) (i32.const 2)))) (local.get $h0)))
    (local.set $w0
      (i32.add (global.get $weights)
        (i32.shl (i32.load (i32.add (global.get $weightStart) (i32.shl (local.get $u) (i32.const 2)))) (i32.const 3))))
    (local.set $nx (i32.add (global.get $blockNormalised) (i32.shl (local.get $v0) (i32.const 6))))
    ;; encoder: y_j = (Σ_i x̂_i W[i][j]) + h_b[j]
    (local.set $step (i32.shl (local.get $hidden) (i32.const 3)))
    (local.set $out (global.get $blockHidden))
    (local.set $j (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $j) (local.get $hidden)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $p (i32.add (local.get $w0) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $q (local.get $nx))
        (local.set $i (i32.const 0))
        (block $sumDone
          (loop $sum
            (br_if $sumDone (i32.ge_u (local.get $i) (local.get $visible)))
            (local.set $w (v128.load64_splat (local.get $p)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load offset=0 (local.get $q)) (local.get $w))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (local.get $q)) (local.get $w))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load offset=32 (local.get $q)) (local.get $w))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load offset=48 (local.get $q)) (local.get $w))))
            (local.set $p (i32.add (local.get $p) (local.get $step)))
            (local.set $q (i32.add (local.get $q) (i32.const 64)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sum)))
        (local.set $bias
          (v128.load64_splat (i32.add (global.get $hiddenBias) (i32.shl (i32.add (local.get $h0) (local.get $j)) (i32.const 3)))))
        (v128.store offset=0 (local.get $out) (f64x2.add (local.get $a0) (local.get $bias)))
        (v128.store offset=16 (local.get $out) (f64x2.add (local.get $a1) (local.get $bias)))
        (v128.store offset=32 (local.get $out) (f64x2.add (local.get $a2) (local.get $bias)))
        (v128.store offset=48 (local.get $out) (f64x2.add (local.get $a3) (local.get $bias)))
        (local.set $out (i32.add (local.get $out) (i32.const 64)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (call $sigmoidInPlace (global.get $blockHidden) (i32.shl (local.get $hidden) (i32.const 3)))
    ;; decoder: z_i = (Σ_k y_k W[i][k]) + v_b[i]
    (local.set $out (global.get $blockReconstruction))
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $visible)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $p (i32.add (local.get $w0) (i32.mul (local.get $i) (local.get $step))))
        (local.set $q (global.get $blockHidden))
        (local.set $j (i32.const 0))
        (block $sumDone
          (loop $sum
            (br_if $sumDone (i32.ge_u (local.get $j) (local.get $hidden)))
            (local.set $w (v128.load64_splat (local.get $p)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load offset=0 (local.get $q)) (local.get $w))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load offset=16 (local.get $q)) (local.get $w))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load offset=32 (local.get $q)) (local.get $w))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load offset=48 (local.get $q)) (local.get $w))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $q (i32.add (local.get $q) (i32.const 64)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $sum)))
        (local.set $bias
          (v128.load64_splat (i32.add (global.get $visibleBias) (i32.shl (i32.add (local.get $v0) (local.get $i)) (i32.const 3)))))
        (v128.store offset=0 (local.get $out) (f64x2.add (local.get $a0) (local.get $bias)))
        (v128.store offset=16 (local.get $out) (f64x2.add (local.get $a1) (local.get $bias)))
        (v128.store offset=32 (local.get $out) (f64x2.add (local.get $a2) (local.get $bias)))
        (v128.store offset=48 (local.get $out) (f64x2.add (local.get $a3) (local.get $bias)))
        (local.set $out (i32.add (local.get $out) (i32.const 64)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $sigmoidInPlace (global.get $blockReconstruction) (i32.shl (local.get $visible) (i32.const 3)))
    ;; squared errors added in input order, from 0; then √(sum / visible)
    (local.set $a0 (v128.const i64x2 0 0))
    (local.set $a1 (v128.const i64x2 0 0))
    (local.set $a2 (v128.const i64x2 0 0))
    (local.set $a3 (v128.const i64x2 0 0))
    (local.set $p (local.get $nx))
    (local.set $q (global.get $blockReconstruction))
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $visible)))
        (local.set $e (f64x2.sub (v128.load offset=0 (local.get $p)) (v128.load offset=0 (local.get $q))))
        (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $e (f64x2.sub (v128.load offset=16 (local.get $p)) (v128.load offset=16 (local.get $q))))
        (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $e (f64x2.sub (v128.load offset=32 (local.get $p)) (v128.load offset=32 (local.get $q))))
        (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $e (f64x2.sub (v128.load offset=48 (local.get $p)) (v128.load offset=48 (local.get $q))))
        (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $e) (local.get $e))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $divisor (f64x2.splat (f64.convert_i32_s (local.get $visible))))
    (v128.store offset=0 (global.get $blockScores) (f64x2.sqrt (f64x2.div (local.get $a0) (local.get $divisor))))
    (v128.store offset=16 (global.get $blockScores) (f64x2.sqrt (f64x2.div (local.get $a1) (local.get $divisor))))
    (v128.store offset=32 (global.get $blockScores) (f64x2.sqrt (f64x2.div (local.get $a2) (local.get $divisor))))
    (v128.store offset=48 (global.get $blockScores) (f64x2.sqrt (f64x2.div (local.get $a3) (local.get $divisor)))))

  ;; Every ensemble unit on the block, each RMSE normalised straight into the output unit's x̂.
  (func (export "ensembleBlock")
    (local $u i32) (local $slot i32) (local $out i32) (local $lo v128) (local $denominator v128)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $u) (i32.sub (global.get $units) (i32.const 1))))
        (call $unitBlock (local.get $u))
        (local.set $slot (i32.add (global.get $ensembleSlots) (local.get $u)))
        (local.set $lo (v128.load64_splat (i32.add (global.get $lo) (i32.shl (local.get $slot) (i32.const 3)))))
        (local.set $denominator (v128.load64_splat (i32.add (global.get $denominator) (i32.shl (local.get $slot) (i32.const 3)))))
        (local.set $out (i32.add (global.get $blockNormalised) (i32.shl (local.get $slot) (i32.const 6))))
        (v128.store offset=0 (local.get $out)
          (f64x2.div (f64x2.sub (v128.load offset=0 (global.get $blockScores)) (local.get $lo)) (local.get $denominator)))
        (v128.store offset=16 (local.get $out)
          (f64x2.div (f64x2.sub (v128.load offset=16 (global.get $blockScores)) (local.get $lo)) (local.get $denominator)))
        (v128.store offset=32 (local.get $out)
          (f64x2.div (f64x2.sub (v128.load offset=32 (global.get $blockScores)) (local.get $lo)) (local.get $denominator)))
        (v128.store offset=48 (local.get $out)
          (f64x2.div (f64x2.sub (v128.load offset=48 (global.get $blockScores)) (local.get $lo)) (local.get $denominator)))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $next))))

  ;; The output unit on the block: the eight scores, into blockScores.
  (func (export "outputBlock")
    (call $unitBlock (i32.sub (global.get $units) (i32.const 1)))))
