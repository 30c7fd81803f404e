"""The conv layer with TensorFlow: tf.nn.conv2d, tf.GradientTape.  (页面：4.3 卷积操作)

Same arguments and layout as ``conv2d_forward`` (NCHW input, (F, C, KH, KW) filters);
TensorFlow on CPU wants NHWC input and (KH, KW, C, F) filters, so we transpose.

Run: python convolution_tf.py [--size 8] [--stride 2] [--pad 1] [--seed 0]
"""

from __future__ import annotations

import numpy as np
from _cli import run
from convolution import _check_conv_args, _check_dout, layer_demo_inputs


# --8<-- [start:tf]
def conv2d_tf(x, w, b, stride=1, pad=0):
    """x (N, C, H, W), w (F, C, KH, KW), b (F,) -> out (N, F, H', W') as a NumPy array."""
    x, w, b, stride, pad = _check_conv_args(x, w, b, stride, pad)  # conv2d_forward's rules
    import tensorflow as tf

    x_nhwc = tf.constant(np.transpose(x, (0, 2, 3, 1)))      # (N, H, W, C)
    w_hwio = tf.constant(np.transpose(w, (2, 3, 1, 0)))      # (KH, KW, C, F)
    out = tf.nn.conv2d(x_nhwc, w_hwio, strides=stride,
                       padding=[[0, 0], [pad, pad], [pad, pad], [0, 0]]) + b
    return np.transpose(out.numpy(), (0, 3, 1, 2))           # back to (N, F, H', W')


def conv2d_tf_grads(x, w, b, dout, stride=1, pad=0):
    """Gradients of Σ out · dout w.r.t. x, w, b, by tf.GradientTape, in our layouts."""
    x, w, b, stride, pad = _check_conv_args(x, w, b, stride, pad)
    H_out = (x.shape[2] + 2 * pad - w.shape[2]) // stride + 1
    W_out = (x.shape[3] + 2 * pad - w.shape[3]) // stride + 1
    dout = _check_dout(dout, (x.shape[0], w.shape[0], H_out, W_out))
    import tensorflow as tf

    x_nhwc = tf.Variable(np.transpose(x, (0, 2, 3, 1)))
    w_hwio = tf.Variable(np.transpose(w, (2, 3, 1, 0)))
    b_var = tf.Variable(b)
    with tf.GradientTape() as tape:
        out = tf.nn.conv2d(x_nhwc, w_hwio, strides=stride,
                           padding=[[0, 0], [pad, pad], [pad, pad], [0, 0]]) + b_var
        loss = tf.reduce_sum(out * np.transpose(dout, (0, 2, 3, 1)))
    dx, dw, db = tape.gradient(loss, [x_nhwc, w_hwio, b_var])
    return (np.transpose(dx.numpy(), (0, 3, 1, 2)),
            np.transpose(dw.numpy(), (3, 2, 0, 1)), db.numpy())
# --8<-- [end:tf]


def main(argv=None) -> None:
    args, x, w, b = layer_demo_inputs(argv, __doc__)
    out = conv2d_tf(x, w, b, stride=args.stride, pad=args.pad)
    print(f"tf.nn.conv2d (2,3,{args.size},{args.size}) ⊛ (4,3,3,3), stride {args.stride}, "
          f"pad {args.pad} ->", out.shape)
    dx, dw, db = conv2d_tf_grads(x, w, b, np.ones_like(out), stride=args.stride, pad=args.pad)
    print("gradient shapes:", dx.shape, dw.shape, db.shape)


if __name__ == "__main__":
    run(main)
