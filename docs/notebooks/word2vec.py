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
# 也是这样**——这是语料太小，不是实现有误。下一节换一份大一些的语料，同样的代码就开始见效。

# %% [markdown]
# ## 2. 大一些的语料：维基百科前 500 篇
#
# gensim 的测试数据里还有 `head500.noblanks.cor`：英文维基百科前 500 篇文章，约 34 万个词，
# 已经做过词干化（`anarchism` 写成 `anarch`，`dictionary` 写成 `dictionari`）。超参数与
# [性能](../benchmarks.md)页的 word2vec 基准相同：100 维、5 轮、批量 4096。
#
# **怎样读 $\rho$。** WordSim-353 里每一对词都有人给的相似度打分（0 到 10）。对词表覆盖到的每一对，
# 算出两个词向量的余弦相似度，再看这两列数的**排序**是否一致：Spearman 秩相关 $\rho$ 就是两列数
# 各自换成名次之后的相关系数。$\rho = 1$ 表示模型排出的先后与人完全一致，$\rho = 0$ 表示毫无关系。
# 它只看排序，所以余弦值整体偏高或偏低都不影响它。词干化的语料只覆盖 WordSim-353 中
# 词形恰好等于词干的那些词对。

# %%
wiki_path = Path(datapath("head500.noblanks.cor"))
wiki = tokenize(wiki_path.read_text(encoding="utf-8"), "en")
print(f"数据：{wiki_path.name}（gensim 自带），{len(wiki)} 篇，{sum(len(s) for s in wiki)} 个词")
t0 = time.perf_counter()
big = Word2Vec(dim=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=5,
               batch_size=4096, seed=0).fit(wiki)
print(f"词表 {len(big.wv)} 个词；训练 {time.perf_counter() - t0:.1f} s")
rho_lee, n_lee, _ = wv.evaluate_word_pairs(pairs)
rho_big, n_big, _ = big.wv.evaluate_word_pairs(pairs)
print(f"WordSim-353 Spearman ρ：Lee 语料 {rho_lee:+.3f}（{n_lee} 对）→ "
      f"维基百科 500 篇 {rho_big:+.3f}（{n_big} 对）")
for q in ["king", "war", "music", "french"]:
    print(f"{q:<8}", ", ".join(f"{w} ({s:.2f})" for w, s in big.wv.most_similar(q, topn=5)))

# %%
covered = [(a.lower(), b.lower(), h) for a, b, h in pairs
           if a.lower() in big.wv and b.lower() in big.wv]
human = np.array([h for *_, h in covered])
cosine = np.array([big.wv.similarity(a, b) for a, b, _ in covered])
fig, ax = plt.subplots(figsize=(6.5, 4))
ax.scatter(human, cosine, s=14, alpha=0.7)
for (a, b, h), c in zip(covered, cosine, strict=True):
    if h >= 8.5 or h <= 1.5:                                 # 标出人认为最像、最不像的几对
        ax.annotate(f"{a}–{b}", (h, c), fontsize=7, xytext=(3, 2), textcoords="offset points")
ax.set(xlabel="人的打分（WordSim-353）", ylabel="词向量的余弦相似度",
       title=f"维基百科 500 篇上的词向量：Spearman ρ = {rho_big:.2f}（{len(covered)} 对）")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# 语料从 6 万词增加到 34 万词，$\rho$ 从接近 0 升到明显为正，近邻也从“同一篇报道里的词”
# 变成了同一类事物：king 旁边是王位、统治一类的词，french 旁边是其他国家的形容词，
# music 旁边是音乐类型。散点图上，人认为很像的词对，余弦相似度总体也高，但点很分散：
# 几十万词仍然远远不够，论文用的是几十亿词。这份语料上我们的实现与 gensim 的 $\rho$ 和速度的比较，
# 见[性能](../benchmarks.md)页。

# %% [markdown]
# ## 3. 中文：本文原文
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
# - 同样的代码、同样的超参数，语料从 6 万词增加到 34 万词，WordSim-353 的 $\rho$ 就从接近 0
#   变成明显为正，近邻也从“同一篇报道里的词”变成同一类事物：词向量的质量首先取决于语料的大小。
# - 小语料能展示的是**共现结构**；类比和词对相似度这类“语义”评测需要大得多的语料，
#   在 Lee 语料上得到接近 0 的数字是预料之中的，gensim 在同样的数据上也一样。
# - 训练损失从 $6\ln 2$ 稳定下降，说明优化在工作；但损失下降不等于向量有用，要用近邻、类比、
#   词对相似度这类外部评测去检验。
#
# ## 练习
#
# 1. **改代码：先预测，再运行。** 在第 2 节训练 `big` 的那一行，把 `window=5` 分别改成 `window=2`
#    和 `window=10`。先预测 WordSim-353 的 $\rho$ 会变高还是变低，king 的近邻会怎样变，再运行
#    （每次十几秒）。
#
#     <details class="tip"><summary>提示</summary>
#
#     窗口小时，一个词的上下文主要是紧挨着的词，学到的是“能互相替换”的相似（语法角色相同的词）；
#     窗口大时，上下文覆盖整个句子的话题，学到的更多是“相关”。WordSim-353 的打分里有很多“相关”
#     而不“相似”的词对（例如 doctor–nurse 这一类），所以在这份语料上，窗口 2 时 $\rho$ 明显变低，
#     窗口 10 时明显变高；代价是每轮要处理的词对多了，训练也更慢。再试试把 `epochs=5` 改成 1：
#     只过一遍 34 万词，$\rho$ 又回到接近 0，近邻也看不出规律。
#
#     </details>
#
# 2. **数学：起点的损失。** 训练开始时 $W_\text{out}=0$。(1) 证明此时每个（中心词，上下文词）
#    对的负采样损失 $-\ln\sigma(s_o)-\sum_{k=1}^{K}\ln\sigma(-s_k)$ 恰好等于 $(K+1)\ln 2$。
#    (2) 如果把 `negative=5` 改成 15，训练曲线从哪里出发？(3) 为什么 $W_\text{out}$ 初始化为 0，
#    $W_\text{in}$ 却不能也初始化为 0？
#
#     <details class="tip"><summary>提示</summary>
#
#     (1) $W_\text{out}=0$ 时所有得分 $s=\mathbf u^\top\mathbf v_c=0$，$\sigma(0)=\tfrac12$，
#     每一项都是 $\ln 2$，共 $K+1$ 项。(2) $16\ln 2\approx 11.1$。(3) 对 $\mathbf v_c$ 的梯度是
#     $\sum_j(\sigma(s_j)-[j=o])\,\mathbf u_j$，对 $\mathbf u_j$ 的梯度
#     是 $(\sigma(s_j)-[j=o])\,\mathbf v_c$。
#     两个矩阵都为 0 时，两个梯度都为 0，什么也学不到；只要 $W_\text{in}$ 是小的随机数，
#     第一步就能更新 $W_\text{out}$，之后两边都动起来。gensim 和原始的 C 代码也是这样初始化的：
#     输入向量取小的随机数，输出向量取 0。
#
#     </details>
#
# 3. **数学：$\rho$ 只看排序。** 设模型的余弦相似度是 $c_1,\dots,c_n$，人的打分是 $h_1,\dots,h_n$（
#    没有并列）。
#    (1) 证明把所有 $c_i$ 换成 $f(c_i)$（$f$ 严格递增）时 $\rho$ 不变。(2) 没有并列时
#    $\rho=1-\frac{6\sum_i d_i^2}{n(n^2-1)}$，$d_i$ 是第 $i$ 对在两边的名次之差；$\rho=-1$ 是什么情
#    形？
#
#     <details class="tip"><summary>提示</summary>
#
#     (1) $\rho$ 是两列**名次**的皮尔逊相关系数，严格递增的 $f$ 不改变名次。所以把余弦换成角度的
#     相反数、或者整体乘一个正数，$\rho$ 都不变；但皮尔逊相关系数会变。(2) 两边的名次完全相反，
#     即人认为最像的词对，模型排得最不像。
#
#     </details>
#
# 4. **开放题：怎样得到像样的中文词向量？** 第 3 节在原文上训练出的近邻，大多只反映这一篇文章的写法
#    。
#    如果要为中文训练通用的词向量，你会用什么语料、怎样分词？按词训练和按字训练各有什么利弊？
#    怎样评估结果（中文有没有类似 WordSim-353 的数据集）？
#
#     <details class="tip"><summary>提示</summary>
#
#     语料要几亿字以上，例如维基百科中文版、新闻或百科的公开语料；分词的错误会直接变成词表里的
#     噪声词，所以要加领域词典（本笔记本给 jieba 加了几个术语）。按词训练，词义更完整，但词表大、
#     未登录词多；按字训练，词表小、没有未登录词，但一个字常有多种意思。折中的办法是像 fastText
#     那样用字或字的 n-gram 作子词。评估可以用人工打分的中文词语相似度数据集（做法与
#     WordSim-353 相同），也可以看下游任务（分类、检索）的效果。
#
#     </details>
