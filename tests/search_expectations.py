"""What Chinese search must find, shared by the built-index test and the browser test."""

# The page that explains each concept must be the first search result.
EXPECTED_FIRST = {
    "梯度下降": "math/gradient-descent/",
    "卷积": "math/convolution/",
    "词嵌入": "algorithms/word-embeddings/",
    "反向传播": "math/backpropagation/",
    "循环神经网络": "algorithms/rnn/",
}
