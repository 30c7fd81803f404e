# %% [markdown]
# # word2vec：在真实文本上训练词向量
#
# 本笔记本运行 [3.1 词嵌入](../algorithms/word-embeddings.md) 页的代码
# （`snippets/word2vec.py`，纯 NumPy），在两份**随软件包离线提供**的真实文本上训练词向量：
#
# 1. gensim 测试数据里的 **Lee 新闻语料** `lee_background.cor`（约 6 万个英文词）；
#    评估用 gensim 同样自带的 `wordsim353.tsv`、`questions-words.txt`；
# 2. **本文原文**（中文，`data/article_zh.txt`，用 jieba 分词后约 3 千词）。
#
# 这两份语料都很小（word2vec 论文用的是几十亿词），下面每一步都会说明它们能说明什么、不能说明什么。
# 整个笔记本在 CPU 上约半分钟跑完，不联网。

# %%
import time
from pathlib import Path

import gensim
import matplotlib.pyplot as plt
import numpy as np
from _article import article_text
from _cjk_font import use_cjk_font
from gensim.test.utils import datapath
from word2vec import KeyedVectors, Word2Vec, read_analogies, read_word_pairs, tokenize

use_cjk_font()
lee_path = Path(datapath("lee_background.cor"))
print(f"数据：{lee_path.name}（gensim {gensim.__version__} 自带）；"
      "原文全文（data/article_zh.txt）")

# %% [markdown]
# ## 1. 英文：Lee 新闻语料上的 skip-gram
#
# 超参数与 gensim 的默认值相同（窗口 5、5 个负样本、`min_count=5`、`sample=1e-3`、
# 学习率 0.025 线性降到 0.0001），只是维数取 50、训练 10 轮，让这份小语料多看几遍。

# %%
sentences = tokenize(lee_path.read_text(encoding="utf-8"), "en")
n_words = sum(len(s) for s in sentences)
print(f"{len(sentences)} 篇新闻，{n_words} 个词")

t0 = time.perf_counter()
model = Word2Vec(dim=50, window=5, negative=5, min_count=5, sample=1e-3, epochs=10,
                     seed=0).fit(sentences)
seconds = time.perf_counter() - t0
wv = model.wv
print(f"词表 {len(wv)} 个词；训练 {seconds:.1f} s（{n_words * 10 / seconds:,.0f} 词/秒，"
      "本机同时还有其他任务，仅供参考）")

# %% [markdown]
# ### 训练曲线
#
# 每处理约 1 万个词记一次平均损失（每对词：1 个真实上下文词 + 5 个噪声词的二分类损失之和）。
# 开始时 $W_\text{out}=0$，每个二分类的损失都是 $\ln 2$，所以曲线从 $6\ln 2 \approx 4.16$ 出发。

# %%
done, loss = np.array(model.history).T
n_vocab_tokens = len(model.corpus.tokens)          # in-vocabulary tokens per epoch
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(done / n_vocab_tokens, loss, lw=1.5)
ax.axhline(6 * np.log(2), color="gray", ls="--", lw=1)
ax.text(4, 6 * np.log(2) - 0.12, r"初始值 $6\ln 2$", color="gray")
ax.set_xlabel("训练轮数（已处理词数 / 每轮词数）")
ax.set_ylabel("每对词的平均损失（nats）")
ax.set_title("skip-gram 负采样在 Lee 语料上的训练曲线")
ax.grid(alpha=0.3)
plt.show()
print(f"第一段 {loss[0]:.3f} → 最后一段 {loss[-1]:.3f}")

# %% [markdown]
# ### 近邻：与 gensim 并排
#
# 同一份分词结果、同样的超参数，交给 gensim 的 `Word2Vec`（`workers=1`）再训练一次。
# 两边的近邻不会逐个相同（随机数不同），但应当是同一类词。

# %%
from gensim.models import Word2Vec as GensimWord2Vec

g = GensimWord2Vec(sentences, vector_size=50, window=5, negative=5, min_count=5, sample=1e-3,
                   epochs=10, sg=1, workers=1, seed=0)
queries = ["police", "afghanistan", "palestinian", "president", "fire", "sydney"]
rows = []
for q in queries:
    ours = ", ".join(w for w, _ in wv.most_similar(q, topn=5))
    theirs = ", ".join(w for w, _ in g.wv.most_similar(q, topn=5))
    rows.append((q, ours, theirs))
width = max(len(r[1]) for r in rows)
print(f"{'查询词':<12}{'我们的 NumPy 实现':<{width + 2}}gensim")
for q, ours, theirs in rows:
    print(f"{q:<14}{ours:<{width + 4}}{theirs}")

# %% [markdown]
# 在 6 万词的新闻上，近邻主要是**同一批报道里一起出现的词**：本次运行中 palestinian
# 旁边是 yasser、arafat's，president 旁边是 bush、george，afghanistan 旁边是 tora、bora
# （2001 年底的新闻）。
# 这是“共现”，还不是词典意义上的“近义”。
#
# ### 类比与词对相似度
#
# 先试几个类比（3CosAdd：$\arg\max_d \cos(\mathbf d, \mathbf b - \mathbf a + \mathbf c)$）。

# %%
for a, b, c in [("sydney", "australia", "kabul"), ("man", "woman", "he"),
                ("australia", "australian", "israel")]:
    answer = wv.most_similar(positive=[b, c], negative=[a], topn=3)
    print(f"{a} : {b} :: {c} : ?  →", ", ".join(f"{w} ({s:.2f})" for w, s in answer))

questions = read_analogies(datapath("questions-words.txt"))
pairs = read_word_pairs(datapath("wordsim353.tsv"))
gkv = KeyedVectors(g.wv.index_to_key, g.wv.vectors)
for name, kv in [("我们", wv), ("gensim", gkv)]:
    acc, n_q = kv.evaluate_analogies(questions)
    rho, n_p, n_oov = kv.evaluate_word_pairs(pairs)
    print(f"{name:7s} 类比准确率 {acc:.1%}（词表覆盖 {n_q} 道题）；"
          f"WordSim-353 Spearman ρ = {rho:+.3f}（覆盖 {n_p} 对，缺 {n_oov} 对）")

# %% [markdown]
# 这几个类比大多答不对：在“悉尼之于澳大利亚，如同喀布尔之于 ?”里，答案至少是国家名，但不是
# afghanistan。`questions-words.txt` 的 19544 道题里只有一百多道的四个词都在这份小语料的词表中，
# 准确率只有百分之几；WordSim-353 只覆盖几十对，$\rho$ 接近 0 甚至为负。**gensim 在同样的数据上
# 也是这样**——这是语料太小，不是实现有误。在约 34 万词的 `head500.noblanks.cor` 上，用相同超参数
# 比较我们的实现与 gensim 的速度和 $\rho$，见[性能](../benchmarks.md)页。

# %% [markdown]
# ## 2. 中文：本文原文
#
# 把本文原文当作语料（`data/article_zh.txt`，与原文逐字节相同）。先把几个术语加进 jieba 的词典，
# 否则“深度学习”会被切成“深度 / 学习”。原文只有约 3 千个词，所以 `min_count=3`、训练 100 轮。

# %%
import logging

import jieba

jieba.setLogLevel(logging.WARNING)
for term in ["深度学习", "神经网络", "词嵌入", "卷积神经网络", "循环神经网络", "递归神经网络",
             "自然语言处理", "计算机视觉", "梯度下降", "反向传播", "损失函数"]:
    jieba.add_word(term)

zh_sentences = tokenize(article_text(), "zh")
print(f"{len(zh_sentences)} 行，{sum(len(s) for s in zh_sentences)} 个词；第一句：",
      " / ".join(zh_sentences[0]))
zh = Word2Vec(dim=50, window=5, negative=5, min_count=3, sample=1e-3, epochs=100,
                  batch_size=512, seed=0).fit(zh_sentences, log_every=5000)
print(f"词表 {len(zh.wv)} 个词；损失 {zh.history[0][1]:.2f} → {zh.history[-1][1]:.2f}")

# %%
zh_queries = ["神经网络", "深度学习", "卷积神经网络", "karpathy", "图像", "梯度"]
for q in zh_queries:
    if q in zh.wv:
        print(f"{q:　<8}", "，".join(f"{w}" for w, _ in zh.wv.most_similar(q, topn=6)))

# %% [markdown]
# 本次运行中，有一些近邻说得通：karpathy 的近邻是 andrej，卷积神经网络的近邻里有 cnn，
# 图像的近邻里有检测、物体，梯度的近邻是反向传播。另一些只反映了这篇文章的写法：“深度学习”的
# 近邻里有“领军人物”，是因为标题就是“深度学习的领军人物”。
# 3 千个词能学到的只是**这一篇文章里的共现**，不能当作中文词义的一般结论；
# 要得到像样的中文词向量，需要几亿字以上的语料。
#
# ### 二维投影
#
# 把一些词的向量（先归一化）用 PCA 投到两维。只保留方差最大的两个方向，丢掉了 48 维里
# 其余的信息，所以图上近的词在原空间里不一定近，反之亦然；它只是一个直观的示意。

# %%
words = [w for w in ["神经网络", "深度学习", "卷积神经网络", "卷积", "图像", "图像识别", "特征",
                     "自然语言处理", "文本", "序列", "模型", "训练", "梯度", "损失",
                     "karpathy", "andrej", "openai", "斯坦福", "tensorflow", "keras", "python"]
         if w in zh.wv]
X = np.array([zh.wv.unit[zh.wv.index[w]] for w in words])       # (n, D) unit vectors
Xc = X - X.mean(axis=0)
_, S, Vt = np.linalg.svd(Xc, full_matrices=False)
P = Xc @ Vt[:2].T                                                 # (n, 2)
explained = S[:2] ** 2 / np.sum(S**2)
fig, ax = plt.subplots(figsize=(7, 5.5))
ax.scatter(P[:, 0], P[:, 1], s=18, color="tab:blue")
for (x, y), w in zip(P, words, strict=True):
    ax.annotate(w, (x, y), xytext=(3, 3), textcoords="offset points", fontsize=11)
ax.set_xlabel(f"第 1 主成分（{explained[0]:.0%} 方差）")
ax.set_ylabel(f"第 2 主成分（{explained[1]:.0%} 方差）")
ax.set_title("本文原文训练出的词向量（PCA 投影）")
ax.grid(alpha=0.3)
plt.show()
print("图中的词：", "、".join(words))

# %% [markdown]
# ## 小结
#
# - 代码本身在小语料上也按预期工作：损失从 $6\ln 2$ 稳定下降，近邻和 gensim 在同一数据上给出的是
#   同一类词，保存的文件 gensim 能直接读。
# - 小语料能展示的是**共现结构**；类比和词对相似度这类“语义”评测需要大得多的语料，
#   在这里得到接近 0 的数字是预料之中的。
