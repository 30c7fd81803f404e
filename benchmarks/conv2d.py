"""conv2d: our vectorized NumPy conv layer vs tf.nn.conv2d vs plain loops (forward and backward).

Shapes: x (N=64, C=32, 28, 28), w (F=64, C=32, 3, 3), stride 1, same padding
(pad 1), float32.  Ours works in NCHW (its API); TensorFlow gets its native NHWC / HWIO
tensors, converted once before timing.  The naive loops run on a slice of the batch and
are scaled to the full batch (their time is linear in N).  Ours and TensorFlow are timed
interleaved in the same process; the metric is the median wall time in ms.

QUICK=1: N=8, C=8, 14×14, F=16 (same code paths).  THREADS=n: n threads for both NumPy's
BLAS and TensorFlow's intra-op pool (default: each library's own default, all cores).
Besides wall time, the median CPU time of the process is recorded: on a busy shared machine
it shows the work each implementation does, which wall time then hides.
Run: python -m benchmarks.conv2d
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
THREADS = os.environ.get("THREADS")
if THREADS:  # before NumPy is imported, so that OpenBLAS starts with this many threads
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = THREADS

import numpy as np  # noqa: E402  (after THREADS is applied)
from benchkit import quick, write_result  # noqa: E402
from convolution import (  # noqa: E402
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_naive,
)


def interleaved(fns: dict, rounds: int, warmup: int = 2) -> tuple[dict, dict]:
    """Median wall and CPU seconds of each fn, calling them in turn every round."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    wall, cpu = {k: [] for k in fns}, {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            t0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall[k].append(time.perf_counter() - t0)
            cpu[k].append(time.process_time() - c0)
    med = statistics.median
    return {k: med(v) for k, v in wall.items()}, {k: med(v) for k, v in cpu.items()}


def main() -> None:
    import tensorflow as tf

    if THREADS:
        tf.config.threading.set_intra_op_parallelism_threads(int(THREADS))
        tf.config.threading.set_inter_op_parallelism_threads(int(THREADS))
    if quick():
        N, C, H, W, F, K, rounds, n_slice = 8, 8, 14, 14, 16, 3, 5, 1
    else:
        N, C, H, W, F, K, rounds, n_slice = 64, 32, 28, 28, 64, 3, 15, 1
    stride, pad = 1, K // 2
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, C, H, W), dtype=np.float32)
    w = (rng.standard_normal((F, C, K, K)) / np.sqrt(C * K * K)).astype(np.float32)
    b = rng.standard_normal(F).astype(np.float32)
    out, cache = conv2d_forward(x, w, b, stride, pad)
    dout = rng.standard_normal(out.shape, dtype=np.float32)

    # TensorFlow, native layouts, graph mode (tf.function) for both passes
    x_t = tf.constant(np.transpose(x, (0, 2, 3, 1)))          # NHWC
    w_t = tf.constant(np.transpose(w, (2, 3, 1, 0)))          # HWIO
    b_t = tf.constant(b)
    dout_t = tf.constant(np.transpose(dout, (0, 2, 3, 1)))
    padding = [[0, 0], [pad, pad], [pad, pad], [0, 0]]

    @tf.function
    def tf_forward(x_t, w_t, b_t):
        return tf.nn.conv2d(x_t, w_t, strides=stride, padding=padding) + b_t

    @tf.function
    def tf_backward(x_t, w_t, dout_t):
        dx = tf.nn.conv2d_transpose(dout_t, w_t, tf.shape(x_t), strides=stride, padding=padding)
        dw = tf.raw_ops.Conv2DBackpropFilter(input=x_t, filter_sizes=tf.shape(w_t),
                                             out_backprop=dout_t, strides=[1, stride, stride, 1],
                                             padding="EXPLICIT",
                                             explicit_paddings=sum(padding, []))
        return dx, dw, tf.reduce_sum(dout_t, axis=(0, 1, 2))

    # agreement (quality): forward and the three gradients, ours vs TensorFlow
    out_tf = np.transpose(tf_forward(x_t, w_t, b_t).numpy(), (0, 3, 1, 2))
    dx, dw, db = conv2d_backward(dout, cache)
    dx_tf, dw_tf, db_tf = (g.numpy() for g in tf_backward(x_t, w_t, dout_t))
    max_err = {
        "forward": float(np.abs(out - out_tf).max()),
        "dx": float(np.abs(dx - np.transpose(dx_tf, (0, 3, 1, 2))).max()),
        "dw": float(np.abs(dw - np.transpose(dw_tf, (3, 2, 0, 1))).max()),
        "db": float(np.abs(db - db_tf).max()),
    }
    print("max |ours − tf|:", max_err)

    fwd, fwd_cpu = interleaved({
        "ours": lambda: conv2d_forward(x, w, b, stride, pad),
        "tf": lambda: tf_forward(x_t, w_t, b_t).numpy(),
    }, rounds)
    bwd, bwd_cpu = interleaved({
        "ours": lambda: conv2d_backward(dout, cache),
        "tf": lambda: [g.numpy() for g in tf_backward(x_t, w_t, dout_t)],
    }, rounds)

    # naive loops on n_slice images, scaled to N (one run each: they take seconds)
    xs, ds = x[:n_slice], dout[:n_slice]
    t0 = time.perf_counter()
    conv2d_naive(xs, w, b, stride, pad)
    naive_fwd = (time.perf_counter() - t0) * N / n_slice
    t0 = time.perf_counter()
    conv2d_backward_naive(ds, xs, w, stride, pad)
    naive_bwd = (time.perf_counter() - t0) * N / n_slice

    ms = 1e3
    tf_label = f"tf.nn.conv2d {tf.__version__} (NHWC, CPU, tf.function)"
    naive_label = f"naive loops (conv2d_naive, {n_slice} of {N} images, scaled)"
    ours = fwd["ours"] * ms
    peers = {tf_label: fwd["tf"] * ms, naive_label: naive_fwd * ms}
    backward = {"ours": bwd["ours"] * ms, "peers": {tf_label: bwd["tf"] * ms,
                                                    naive_label: naive_bwd * ms}}
    backward["ratio"] = {k: backward["ours"] / v for k, v in backward["peers"].items()}
    cpu_time_ms = {"forward": {"ours": fwd_cpu["ours"] * ms, tf_label: fwd_cpu["tf"] * ms},
                   "backward": {"ours": bwd_cpu["ours"] * ms, tf_label: bwd_cpu["tf"] * ms}}
    for d in cpu_time_ms.values():
        d["ratio"] = d["ours"] / d[tf_label]
    ratio_tf, ratio_naive = ours / peers[tf_label], ours / peers[naive_label]
    met = {
        "forward_vs_tf": ratio_tf <= 2.0,
        "forward_vs_naive": ratio_naive <= 0.01,
        "backward_vs_tf": backward["ratio"][tf_label] <= 2.0,
        "backward_vs_naive": backward["ratio"][naive_label] <= 0.01,
    }
    print(f"forward  ms: ours {ours:.2f}, tf {peers[tf_label]:.2f}, naive {naive_fwd * ms:.0f}")
    print(f"backward ms: ours {backward['ours']:.2f}, tf {bwd['tf'] * ms:.2f}, "
          f"naive {naive_bwd * ms:.0f}")
    print("cpu time ms:", cpu_time_ms)
    print("targets met:", met)
    write_result(
        "conv2d",
        title="卷积 conv2d 前向（§4.3）",
        metric="forward wall time (median)",
        unit="ms",
        higher_is_better=False,
        ours=ours,
        peers=peers,
        target={"vs": tf_label, "ratio_at_most": 2.0},
        quality={"max_abs_diff_vs_tf": max_err},
        config={"N": N, "C": C, "H": H, "W": W, "F": F, "KH": K, "KW": K, "stride": stride,
                "pad": pad, "padding": "same", "dtype": "float32", "rounds": rounds,
                "ours_layout": "NCHW (im2col + one matrix product)", "tf_layout": "NHWC/HWIO",
                "naive_slice": n_slice,
                "threads": {"THREADS": THREADS,
                            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
                            "tf_intra_op": tf.config.threading.get_intra_op_parallelism_threads()}},
        extra={"backward": backward, "cpu_time_ms": cpu_time_ms,
               "targets": {"rule": "ours ≤ 2× TensorFlow's time and ≥ 100× faster "
                                   "than the naive loops, forward and backward",
                           "met": met},
               "load_average": list(os.getloadavg())},
    )


if __name__ == "__main__":
    main()
