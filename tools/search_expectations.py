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

# Held back: the tests do not use these; benchmarks/search.py reports them beside the
# development set, as the check that a change fixed a cause and not the queries above.
HELD_OUT: dict[str, tuple[str, ...]] = {
    "高频词下采样": (WORD_EMBEDDINGS,),
    "余弦相似度": (WORD_EMBEDDINGS,),
    "词类比": (WORD_EMBEDDINGS,),
    "Spearman": (WORD_EMBEDDINGS,),
    "梯度裁剪": (RNN,),
    "GRU": (RNN,),
    "recurrent_dropout": (RNN,),
    "隐藏状态": (RNN,),
    "召回率": (CNN,),
    "macro 平均": (CNN,),
    "Adam": (CNN,),
    "全连接层": (CNN,),
    "MSE": (GRADIENT_DESCENT,),
    "发散": (GRADIENT_DESCENT,),
    "全批量与小批量": (GRADIENT_DESCENT,),
    "log-sum-exp": (BACKPROP,),
    "误差项": (BACKPROP,),
    "L2 正则": (BACKPROP,),
    "im2col": (CONVOLUTION,),
    "Sobel": (CONVOLUTION,),
    "补零": (CONVOLUTION,),
    "滤波器翻转": (CONVOLUTION,),
    "虚拟环境": (PROJECT,),
    "validation_split": (PROJECT,),
    "随机平移": (PROJECT,),
    "数据预处理": (PROJECT,),
    "Anthropic": ("karpathy/timeline/",),
    "布拉迪斯拉发": ("karpathy/timeline/", "background/",),
    "离开特斯拉": ("karpathy/timeline/",),
    "micrograd": ("karpathy/work/",),
    "makemore": ("karpathy/work/",),
    "llm.c": ("karpathy/work/",),
    "什么是神经网络": ("faq/", "concepts/",),
    "决策树 支持向量机": ("faq/",),
    "早期教育": ("background/",),
    "自学编程": ("background/",),
    "温哥华": ("background/", "karpathy/timeline/",),
    "PyTorch": ("resources/",),
    "拼图游戏": ("resources/",),
    "Keras 3 多后端": ("resources/",),
}
