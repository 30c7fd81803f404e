"""Benchmark: our NumPy word2vec (and its TensorFlow twin) against gensim's Word2Vec.

Same corpus and hyperparameters for everyone: gensim's ``head500.noblanks.cor``
(stemmed Wikipedia text shipped with gensim, ~337k words), tokenized once with
``word2vec.tokenize`` and handed to all three; skip-gram, dim 100, window 5, negative 5,
5 epochs, min_count 5, sample 1e-3, alpha 0.025 -> 1e-4; gensim with ``workers=1``,
TensorFlow limited to one intra-op and one inter-op thread.

Throughput = corpus tokens x epochs / CPU time of the whole fit (vocabulary building
included), i.e. process CPU seconds, all threads.  Every contender computes in one thread
(BLAS limited to one thread too), so on an idle machine this is close to wall time; on a
shared machine (as here, where other jobs keep the load average far above the core count)
wall time mostly measures the scheduler.
Wall-clock figures are kept in the JSON too (``wall_words_per_s``).
Quality = Spearman rho on wordsim353 and simlex999 over the pairs that
*every* model's vocabulary covers.  Each fit runs in a fresh forked process (so peak
memory is its own: VmHWM after training minus VmRSS before it); rounds interleave
gensim and ours, each round with its own seed; figures are means over the rounds.

QUICK=1: the first 40 lines of the corpus (~60k words), 2 epochs, one round, same code.
Run: python -m benchmarks.word2vec
"""

from __future__ import annotations

import multiprocessing as mp
import os
import statistics
import time
from importlib import metadata

import numpy as np
import word2vec as w2v
from benchkit import quick, write_result
from threadpoolctl import threadpool_limits

HP = dict(dim=100, window=5, negative=5, epochs=5, min_count=5, sample=1e-3)
BATCH = 4096


def _status_kb(field: str) -> int:
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _run(which: str, sentences, hp: dict, seed: int, queue) -> None:
    """Child process: train one model, report time, memory and the vectors."""
    try:
        with open("/proc/self/clear_refs", "w") as f:   # reset the peak-RSS counter
            f.write("5")
    except OSError:
        pass
    threadpool_limits(1)                                  # BLAS: one thread, like the rest
    rss0 = _status_kb("VmRSS")
    if which == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        import word2vec_tf

        rss0 = _status_kb("VmRSS")
    t0, c0 = time.perf_counter(), time.process_time()
    if which == "numpy":
        kv = w2v.Word2Vec(**hp, batch_size=BATCH, seed=seed).fit(sentences).wv
    elif which == "tensorflow":
        kv = word2vec_tf.train_skipgram_tf(sentences, **hp, batch_size=BATCH, seed=seed)[1]
    else:
        from gensim.models import Word2Vec

        g = Word2Vec(sentences, vector_size=hp["dim"], window=hp["window"],
                     negative=hp["negative"], epochs=hp["epochs"], min_count=hp["min_count"],
                     sample=hp["sample"], sg=1, hs=0, workers=1, seed=seed)
        kv = w2v.KeyedVectors(g.wv.index_to_key, g.wv.vectors)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = (_status_kb("VmHWM") - rss0) / 1024
    queue.put(dict(wall=wall, cpu=cpu, peak_mb=peak_mb, words=kv.words, vectors=kv.vectors))


def run(which: str, sentences, hp: dict, seed: int) -> dict:
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    p = ctx.Process(target=_run, args=(which, sentences, hp, seed, queue))
    p.start()
    out = queue.get()
    p.join()
    if p.exitcode != 0:
        raise RuntimeError(f"{which} run failed (exit code {p.exitcode})")
    return out


def main() -> None:
    from gensim.test.utils import datapath

    lines = open(datapath("head500.noblanks.cor"), encoding="utf-8").read().splitlines()
    hp = dict(HP)
    rounds = 2
    if quick():
        lines, hp["epochs"], rounds = lines[:40], 2, 1
    sentences = w2v.tokenize("\n".join(lines), "en")
    n_words = sum(len(s) for s in sentences)
    print(f"corpus: gensim's head500.noblanks.cor, {len(sentences)} lines, {n_words} words; "
          f"{hp}; {rounds} round(s)")
    sets = {"wordsim353_spearman": w2v.read_word_pairs(datapath("wordsim353.tsv")),
            "simlex999_spearman": w2v.read_word_pairs(datapath("simlex999.txt"))}
    gensim_label = f"gensim {metadata.version('gensim')}, workers=1"
    labels = {"numpy": "ours", "gensim": gensim_label, "tensorflow": "ours (TensorFlow)"}
    results: dict[str, list[dict]] = {k: [] for k in labels}
    for r in range(rounds):
        order = ["gensim", "numpy"] if r % 2 == 0 else ["numpy", "gensim"]
        if r == 0:
            order.append("tensorflow")
        for which in order:
            out = run(which, sentences, hp, seed=r + 1)
            out["words_per_s"] = n_words * hp["epochs"] / out["cpu"]
            out["wall_words_per_s"] = n_words * hp["epochs"] / out["wall"]
            results[which].append(out)
            print(f"round {r}: {which:10s} {out['wall']:6.1f} s wall, {out['cpu']:6.1f} s CPU, "
                  f"{out['words_per_s']:9.0f} words/CPU-s, peak +{out['peak_mb']:.0f} MB")

    # quality over the word pairs every model covers
    common = set.intersection(*(set(res[0]["words"]) for res in results.values()))
    quality: dict[str, dict] = {labels[k]: {} for k in results}
    per_round: dict[str, dict] = {labels[k]: {} for k in results}
    n_pairs = {}
    for name, pairs in sets.items():
        pairs = [(a, b, s) for a, b, s in pairs if a.lower() in common and b.lower() in common]
        n_pairs[name] = len(pairs)
        for which, res in results.items():
            rhos = [w2v.KeyedVectors(o["words"], o["vectors"]).evaluate_word_pairs(pairs)[0]
                    for o in res]
            quality[labels[which]][name] = float(np.mean(rhos))
            per_round[labels[which]][name] = [float(x) for x in rhos]
    for label, q in quality.items():
        print(f"{label:28s} " + "  ".join(f"{k} {q[k]:.3f}" for k in sets))

    def mean(which, key):
        return float(statistics.mean(o[key] for o in results[which]))

    ours, peer = mean("numpy", "words_per_s"), mean("gensim", "words_per_s")
    write_result(
        "word2vec", title="word2vec 训练吞吐（§3.1）",
        metric="throughput", unit="words/s", higher_is_better=True,
        ours=ours, peers={gensim_label: peer},
        target={"vs": gensim_label, "ratio_at_least": 0.5, "ratio_must_reach": 0.25,
                "quality": "wordsim353_spearman within 0.03 of the peer's"},
        quality=quality,
        config={"corpus": "head500.noblanks.cor" + (" (first 40 lines)" if quick() else ""),
                "words": n_words, "sentences": len(sentences), **hp, "sg": True,
                "alpha": 0.025, "min_alpha": 1e-4, "batch_size": BATCH, "rounds": rounds,
                "quality_pairs": n_pairs, "tensorflow_threads": 1,
                "timing": "process CPU time of the whole fit (single-threaded contenders)"},
        extra={
            "cpu_s": {labels[k]: mean(k, "cpu") for k in results},
            "wall_s": {labels[k]: mean(k, "wall") for k in results},
            "peak_rss_increase_mb": {labels[k]: mean(k, "peak_mb") for k in results},
            "tensorflow": {"words_per_s": mean("tensorflow", "words_per_s"),
                           "ratio_vs_peer": mean("tensorflow", "words_per_s") / peer},
            "wall_words_per_s": {labels[k]: mean(k, "wall_words_per_s") for k in results},
            "quality_per_round": per_round,
            "load_average": os.getloadavg(),
        },
    )


if __name__ == "__main__":
    main()
