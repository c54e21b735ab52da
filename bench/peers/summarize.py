"""The table bench/compare_peers.sh prints, from its JSON lines (bench/peers/measure.py's)."""
import json
import statistics
import sys


def main():
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
    cells, loads = {}, {}
    for r in rows:
        model = r.get("model", "mlp")
        if "seconds" in r:
            keys = [(f"{model} train, batch {r['batch']} (s/epoch)", r["seconds"])]
            if model == "mlp" and r["batch"] == min(x["batch"] for x in rows if "batch" in x):
                keys.append(("mlp peak RSS of the training run (MiB)", r["peak_rss_mib"]))
        else:
            keys = [(f"{model} predict 10,000 at batch 32 (s)", r.get("inference_10000_s")),
                    (f"{model} batch-1 predict latency (us)", r.get("predict1_median_us"))]
        for name, value in keys:
            if value is None:
                continue
            cells.setdefault((name, r["threads"], r["framework"]), []).append(value)
            loads.setdefault((name, r["threads"]), []).append(r["other_load"])
    frameworks = sorted({f for _, _, f in cells}, key=lambda f: (f != "kiln", f))
    print(f"{'workload':<44} {'thr':>3} " + " ".join(f"{f:>10}" for f in frameworks) +
          "  Kiln/fastest peer  other load (median, max)")
    for name, n in sorted({(w, n) for w, n, _ in cells}):
        med = {f: statistics.median(cells[(name, n, f)]) for f in frameworks
               if (name, n, f) in cells}
        peers = {f: v for f, v in med.items() if f not in ("kiln", "numpy")}
        best = min(peers, key=peers.get) if peers else None
        ratio = f"{med['kiln'] / peers[best]:.2f}x {best}" if best and "kiln" in med else ""
        l = loads[(name, n)]
        print(f"{name:<44} {n:>3} " + " ".join(
            f"{med[f]:>10.4g}" if f in med else f"{'':>10}" for f in frameworks) +
            f"  {ratio:<18} {statistics.median(l):.2f}, {max(l):.2f}")
    by = {}
    for (name, n, f), v in cells.items():
        if "train" in name and f == "kiln":
            by.setdefault(name, {})[n] = statistics.median(v)
    for name, t in sorted(by.items()):
        if 1 in t and 2 in t:
            print(f"Kiln {name}: two threads take {t[2] / t[1]:.2f}x one thread's time")


if __name__ == "__main__":
    main()
