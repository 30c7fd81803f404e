"""What Chinese search must find, shared by the built-index test and the browser test.

Each query maps to the pages a reader would accept as the first result: the page that
explains the concept.  The queries are a reader's: a concept's Chinese or English name,
or a short phrase.
"""

WORD_EMBEDDINGS = "algorithms/word-embeddings/"
RNN = "algorithms/rnn/"
CNN = "algorithms/cnn/"
GRADIENT_DESCENT = "math/gradient-descent/"
BACKPROP = "math/backpropagation/"
CONVOLUTION = "math/convolution/"
PROJECT = "project/"

EXPECTED_FIRST: dict[str, tuple[str, ...]] = {
    "梯度下降": (GRADIENT_DESCENT,),
    "卷积": (CONVOLUTION,),
    "词嵌入": (WORD_EMBEDDINGS,),
    "反向传播": (BACKPROP,),
    "循环神经网络": (RNN,),
    "负采样": (WORD_EMBEDDINGS,),
    "CBOW": (WORD_EMBEDDINGS,),
    "词向量": (WORD_EMBEDDINGS,),
    "BPTT": (RNN,),
    "采样温度": (RNN,),
    "梯度消失": (RNN,),
    "池化": (CNN,),
    "精确率": (CNN,),
    "特征图": (CNN, CONVOLUTION),
    "学习率": (GRADIENT_DESCENT,),
    "线性回归": (GRADIENT_DESCENT,),
    "链式法则": (BACKPROP,),
    "softmax": (BACKPROP,),
    "互相关": (CONVOLUTION,),
    "步幅": (CONVOLUTION,),
    "MNIST": (PROJECT,),
    "MirroredStrategy": (PROJECT,),
    "多伦多大学": ("karpathy/timeline/", "background/"),
    "Eureka Labs": ("karpathy/timeline/",),
    "nanoGPT": ("karpathy/work/",),
    "深度学习和机器学习的区别": ("faq/",),
}
