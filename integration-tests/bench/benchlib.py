#!/usr/bin/env python3
"""benchlib.py - helpers of integration-tests/bench/run.sh (python3 standard library only;
matplotlib, when importable, for the PNG charts).

Subcommands
  sample OUT.csv INTERVAL NAME=PIDFILE ...
        Until SIGTERM/SIGINT, every INTERVAL seconds append one row per live process
        (ts,name,pid,cpu_ticks,rss_kb) and one host row (ts,host,0,busy_ticks,total_ticks)
        to OUT.csv.  cpu_ticks = utime + stime of the whole process (all threads) from
        /proc/PID/stat, in clock ticks (SC_CLK_TCK).  The pid files are re-read on every
        sample, so a restarted proxy is followed.
  report RUNDIR [--img-prefix img/]
        Reads RUNDIR/meta.tsv, RUNDIR/runs.csv, RUNDIR/samples.csv and the pgbench logs,
        writes RUNDIR/runs-detail.csv (one row per pgbench run), RUNDIR/summary.csv (one row
        per workload x clients x target), RUNDIR/results.md (the markdown section) and, if
        matplotlib is importable, RUNDIR/img/bench-{tps,latency,cpu}.png.
  update-docs DOC.md SECTION.md
        Replaces the text between the lines <!-- bench:begin --> and <!-- bench:end --> of
        DOC.md with SECTION.md (appends both markers and the section if they are missing).
  has-matplotlib
        Exit status 0 when matplotlib can be imported.
"""
import csv
import math
import os
import re
import signal
import statistics as st
import sys
import time

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
# pgmux-b: a second pgmux (another jar or other settings), for before/after ratios in one run
PROXIES = ("pgbouncer", "pgmux", "pgmux-b")
LABEL = {"direct": "direct", "pgbouncer": "PgBouncer", "pgmux": "pgmux", "pgmux-b": "pgmux-b"}
WORKLOAD_DESC = {
    "select": "`-S -M simple`",
    "select-ext": "`-S -M extended`",
    "select-prep": "`-S -M prepared`",
    "select-conn": "`-S -M simple -C`",
    "tpcb": "TPC-B `-M simple`",
    "tpcb-ext": "TPC-B `-M extended`",
}


# ----------------------------------------------------------------------------- sampling
def read_pid(path):
    try:
        with open(path) as f:
            s = "".join(ch for ch in f.read() if ch.isdigit())
        return int(s) if s else None
    except OSError:
        return None


def proc_sample(pid):
    """(cpu_ticks, rss_kb) of a whole process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # after "pid (comm)": state=0 ppid=1 ... utime=11 stime=12 (fields 14 and 15 of stat(5))
        ticks = int(fields[11]) + int(fields[12])
        rss = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                    break
        return ticks, rss
    except (OSError, IndexError, ValueError):
        return None


def host_sample():
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)  # idle + iowait
    total = sum(vals[:8])  # user nice system idle iowait irq softirq steal (guest is inside user)
    return total - idle, total


def cmd_sample(out, interval, specs):
    interval = float(interval)
    targets = [s.split("=", 1) for s in specs]
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    signal.signal(signal.SIGINT, lambda *a: stop.append(1))
    new = not os.path.exists(out) or os.path.getsize(out) == 0
    with open(out, "a", buffering=1) as f:
        if new:
            f.write("ts,name,pid,a,b\n")
        while not stop:
            ts = time.time()
            busy, total = host_sample()
            rows = [f"{ts:.3f},host,0,{busy},{total}"]
            for name, pidfile in targets:
                pid = read_pid(pidfile)
                s = proc_sample(pid) if pid else None
                if s:
                    rows.append(f"{ts:.3f},{name},{pid},{s[0]},{s[1]}")
            f.write("\n".join(rows) + "\n")
            # sleep in small steps so SIGTERM ends us promptly
            end = ts + interval
            while not stop and time.time() < end:
                time.sleep(min(0.05, max(0.0, end - time.time())))


# ----------------------------------------------------------------------------- parsing
RE = {
    "tps": re.compile(r"^tps = ([0-9.]+)", re.M),
    "lat": re.compile(r"^latency average = ([0-9.]+) ms", re.M),
    "std": re.compile(r"^latency stddev = ([0-9.]+) ms", re.M),
    "conn": re.compile(r"^(?:initial|average) connection time = ([0-9.]+) ms", re.M),
    "processed": re.compile(r"^number of transactions actually processed: ([0-9]+)", re.M),
    "failed": re.compile(r"^number of failed transactions: ([0-9]+)", re.M),
}
PROGRESS = re.compile(r"^progress: ([0-9.]+) s, ([0-9.]+) tps, lat ([0-9.]+) ms", re.M)


def parse_log(path):
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError:
        text = ""
    r = {}
    for k, rx in RE.items():
        m = rx.search(text)
        r[k] = float(m.group(1)) if m else None
    r["progress"] = [(float(a), float(b), float(c)) for a, b, c in PROGRESS.findall(text)]
    lines = text.splitlines()
    aborted = [l for l in lines if re.search(r"client \d+ .*aborted", l)]
    errs = [l for l in lines if re.search(r"\b(ERROR|FATAL|PANIC)\b|error:|fatal:", l)
            and "Run was aborted" not in l and "ignoring this error" not in l]
    r["aborted_clients"] = len(aborted)
    r["error_lines"] = len(errs)
    first = (aborted or errs or [""])[0]
    first = re.sub(r"^(pgbench: (error|fatal): )+", "", first).strip()
    r["first_error"] = first[:200]
    r["run_aborted"] = "Run was aborted" in text
    return r


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def read_meta(path):
    meta = {}
    try:
        with open(path) as f:
            for line in f:
                if "\t" in line:
                    k, v = line.rstrip("\n").split("\t", 1)
                    meta[k] = v
    except OSError:
        pass
    return meta


class Samples:
    """Per-name time series from samples.csv; interpolates a counter at any time."""

    def __init__(self, path):
        self.series = {}
        try:
            with open(path) as f:
                for row in csv.DictReader(f):
                    try:
                        self.series.setdefault(row["name"], []).append(
                            (float(row["ts"]), int(row["pid"]), int(row["a"]), int(row["b"])))
                    except (TypeError, ValueError, KeyError):
                        pass
        except OSError:
            pass
        for s in self.series.values():
            s.sort()

    def window(self, name, t0, t1):
        """Samples of `name` from the last one at or before t0 to the first one at or after t1,
        or None when they do not bracket the interval or the pid changed inside it."""
        s = self.series.get(name, [])
        i0 = max((i for i, x in enumerate(s) if x[0] <= t0), default=None)
        i1 = min((i for i, x in enumerate(s) if x[0] >= t1), default=None)
        if i0 is None or i1 is None:
            return None
        w = s[i0:i1 + 1]
        if len({x[1] for x in w}) != 1:
            return None
        return w

    @staticmethod
    def interp(w, t, col):
        for a, b in zip(w, w[1:]):
            if a[0] <= t <= b[0]:
                if b[0] == a[0]:
                    return a[col]
                return a[col] + (b[col] - a[col]) * (t - a[0]) / (b[0] - a[0])
        return w[0][col] if t <= w[0][0] else w[-1][col]


# ----------------------------------------------------------------------------- report
def fmt(v, nd=0, unit=""):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if nd == 0:
        return f"{v:,.0f}{unit}"
    return f"{v:,.{nd}f}{unit}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fratio(r, mark=""):
    return "–" if r is None else f"{r:.2f}×{mark}"


def analyse(rundir):
    meta = read_meta(os.path.join(rundir, "meta.tsv"))
    if meta.get("pgmux_b_label"):
        LABEL["pgmux-b"] = meta["pgmux_b_label"]  # what the second pgmux differs by, in every table
    clk = os.sysconf("SC_CLK_TCK")
    samples = Samples(os.path.join(rundir, "samples.csv"))
    runs = []
    with open(os.path.join(rundir, "runs.csv")) as f:
        for row in csv.DictReader(f):
            runs.append(row)
    detail = []
    for row in runs:
        d = dict(row)
        d["clients"] = int(row["clients"])
        d["round"] = int(row["round"])
        if row["status"] in ("skip", "unavailable", "known-failure"):
            d.update(status=row["status"], tps=None)
            detail.append(d)
            continue
        p = parse_log(os.path.join(rundir, row["log"]))
        rc = int(row["rc"]) if row["rc"] not in ("", None) else None
        start, end = float(row["start"]), float(row["end"])
        d.update({k: p[k] for k in ("tps", "lat", "std", "conn", "processed", "failed",
                                   "aborted_clients", "error_lines", "first_error")})
        if rc in (124, 137):
            status, d["first_error"] = "timeout", d["first_error"] or "pgbench killed after the time limit (hang?)"
        elif p["tps"] is None or not p["processed"]:
            status = "failed"
            if not d["first_error"]:
                d["first_error"] = "0 transactions processed (connecting the clients took all of -T?)"
        elif p["aborted_clients"] or p["run_aborted"] or rc != 0:
            status = "aborted"
        elif p["error_lines"]:
            status = "errors"
        else:
            status = "ok"
        if row.get("note"):
            d["first_error"] = (row["note"] + "; " + d["first_error"]).strip("; ")
            if status == "ok":
                status = "errors"
        d["status"] = status
        # measured window from pgbench's own per-second progress reports (epoch timestamps)
        prog = p["progress"]
        d["window_s"] = None
        if prog:
            ts = [x[0] for x in prog]
            w0 = ts[0] - (ts[1] - ts[0] if len(ts) > 1 else 1.0)
            w1 = ts[-1]
            tx = 0.0
            prev = w0
            for t, tps, _ in prog:
                tx += tps * (t - prev)
                prev = t
            d["window_s"] = w1 - w0
        else:
            w0 = w1 = None
            tx = 0.0
        # host CPU busy during the measured window (or the whole run)
        h0, h1 = (w0, w1) if prog else (start, end)
        hw = samples.window("host", h0, h1)
        d["host_busy_pct"] = None
        if hw:
            busy = Samples.interp(hw, h1, 2) - Samples.interp(hw, h0, 2)
            total = Samples.interp(hw, h1, 3) - Samples.interp(hw, h0, 3)
            d["host_busy_pct"] = 100.0 * busy / total if total > 0 else None
        # proxy CPU and RSS
        d["cpu_us_tx"] = d["cpu_us_tx_run"] = d["rss_before_mib"] = d["rss_after_mib"] = d["rss_max_mib"] = None
        d["proxy_cpu_pct"] = None
        tgt = row["target"]
        if tgt in PROXIES:
            ww = samples.window(tgt, start, end)
            if ww:
                d["rss_before_mib"] = ww[0][3] / 1024.0
                d["rss_after_mib"] = ww[-1][3] / 1024.0
                d["rss_max_mib"] = max(x[3] for x in ww) / 1024.0
                if p["processed"]:
                    ticks = Samples.interp(ww, end, 2) - Samples.interp(ww, start, 2)
                    d["cpu_us_tx_run"] = ticks * 1e6 / clk / p["processed"]
            if prog and tx > 0:
                sw = samples.window(tgt, w0, w1)
                if sw:
                    ticks = Samples.interp(sw, w1, 2) - Samples.interp(sw, w0, 2)
                    d["cpu_us_tx"] = ticks * 1e6 / clk / tx
                    d["proxy_cpu_pct"] = 100.0 * ticks / clk / (w1 - w0) if w1 > w0 else None
            if d["cpu_us_tx"] is None:
                d["cpu_us_tx"] = d["cpu_us_tx_run"]
        detail.append(d)

    # ---- aggregate per (workload, clients, target)
    wl_order, targets = [], []
    for d in detail:
        if d["workload"] not in wl_order:
            wl_order.append(d["workload"])
        if d["target"] not in targets:
            targets.append(d["target"])
    order = ["direct", "pgbouncer", "pgmux", "pgmux-b"]
    targets.sort(key=lambda t: order.index(t) if t in order else 99)
    cells = {}
    for d in detail:
        cells.setdefault((d["workload"], d["clients"]), {}).setdefault(d["target"], []).append(d)
    summary = {}
    for key, bytgt in cells.items():
        for t, rs in bytgt.items():
            measured = [r for r in rs if r["status"] not in ("skip", "unavailable", "known-failure")]
            good = [r for r in measured if r["status"] in ("ok", "errors") and r["tps"]]
            bad = [r for r in measured if r["status"] != "ok"]
            s = {"n": len(measured), "n_good": len(good), "n_bad": len(bad),
                 "skip": not measured, "skip_reason": rs[0]["status"] if not measured else "",
                 "errors": sorted({r["first_error"] for r in bad if r["first_error"]}),
                 "statuses": sorted({r["status"] for r in bad}),
                 "not_repeated": sum(1 for r in rs if r["status"] == "known-failure")}
            ok_all = len(good) == len(measured) and not any(r["status"] != "ok" for r in measured)
            s["clean"] = ok_all

            def med(field, rows=good):
                v = [r[field] for r in rows if r.get(field) is not None]
                return st.median(v) if v else None

            def mean(field, rows=good):
                v = [r[field] for r in rows if r.get(field) is not None]
                return st.mean(v) if v else None
            s["tps"] = med("tps")
            tps_all = [r["tps"] for r in good]
            s["tps_min"] = min(tps_all) if tps_all else None
            s["tps_max"] = max(tps_all) if tps_all else None
            s["lat"] = mean("lat")
            s["conn"] = mean("conn")
            s["cpu_us_tx"] = med("cpu_us_tx")
            s["cpu_us_tx_run"] = med("cpu_us_tx_run")
            s["proxy_cpu_pct"] = med("proxy_cpu_pct")
            s["host_busy_pct"] = mean("host_busy_pct", measured)
            v = [r["rss_after_mib"] for r in measured if r.get("rss_after_mib") is not None]
            s["rss_after_mib"] = max(v) if v else None
            v = [r["rss_max_mib"] for r in measured if r.get("rss_max_mib") is not None]
            s["rss_max_mib"] = max(v) if v else None
            s["window_s"] = min([r["window_s"] for r in good if r.get("window_s")], default=None)
            summary[(key[0], key[1], t)] = s
    keys = sorted(cells, key=lambda k: (wl_order.index(k[0]), k[1]))
    return meta, detail, summary, keys, targets


def write_csvs(rundir, detail, summary, keys, targets):
    cols = ["workload", "clients", "target", "round", "rc", "status", "tps", "lat", "std", "conn",
            "processed", "failed", "aborted_clients", "error_lines", "window_s", "cpu_us_tx",
            "cpu_us_tx_run", "proxy_cpu_pct", "host_busy_pct", "rss_before_mib", "rss_after_mib",
            "rss_max_mib", "load1", "start", "end", "log", "first_error"]
    with open(os.path.join(rundir, "runs-detail.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for d in detail:
            w.writerow([("" if d.get(c) is None else (f"{d[c]:.3f}" if isinstance(d.get(c), float) else d[c]))
                        for c in cols])
    scols = ["tps", "tps_min", "tps_max", "lat", "conn", "cpu_us_tx", "cpu_us_tx_run", "proxy_cpu_pct",
             "host_busy_pct", "rss_after_mib", "rss_max_mib", "window_s"]
    with open(os.path.join(rundir, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["workload", "clients", "target", "runs", "runs_failed"] + scols + ["errors"])
        for k in keys:
            for t in targets:
                s = summary.get((k[0], k[1], t))
                if not s or s["skip"]:
                    continue
                w.writerow([k[0], k[1], t, s["n"], s["n_bad"]] +
                           ["" if s[c] is None else f"{s[c]:.3f}" for c in scols] + [" | ".join(s["errors"])])


def cell_tps(s):
    if s is None:
        return "–"
    if s["skip"]:
        return "n/a"
    if s["tps"] is None:
        return "**FAILED**"
    mark = "" if s["clean"] else " ⚠"
    return fmt(s["tps"]) + mark


def spread(s):
    if not s or not s.get("tps") or s.get("tps_min") is None:
        return None
    return (s["tps_max"] - s["tps_min"]) / s["tps"] * 100.0


def charts(rundir, summary, keys, targets, img_prefix):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as e:  # noqa: BLE001
        return None, f"charts skipped: matplotlib not importable by {sys.executable} ({type(e).__name__})"
    imgdir = os.path.join(rundir, "img")
    os.makedirs(imgdir, exist_ok=True)
    workloads = []
    for k in keys:
        if k[0] not in workloads:
            workloads.append(k[0])
    colors = {"direct": "#7f7f7f", "pgbouncer": "#1f77b4", "pgmux": "#d62728", "pgmux-b": "#2ca02c"}
    out = []

    def line_chart(field, fname, title, ylabel, logy=False):
        n = len(workloads)
        cols = min(n, 3)
        rows = (n + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.4 * rows), squeeze=False)
        for i, wname in enumerate(workloads):
            ax = axes[i // cols][i % cols]
            for t in targets:
                xs, ys = [], []
                for k in keys:
                    if k[0] != wname:
                        continue
                    s = summary.get((k[0], k[1], t))
                    if s and not s["skip"] and s.get(field) is not None:
                        xs.append(k[1])
                        ys.append(s[field])
                failed = [k[1] for k in keys if k[0] == wname and (summary.get((k[0], k[1], t)) or {}).get("skip") is False
                          and (summary.get((k[0], k[1], t)) or {}).get(field) is None]
                lab = LABEL.get(t, t) + (f" (failed at {','.join(map(str, failed))})" if failed else "")
                if xs:
                    ax.plot(xs, ys, marker="o", label=lab, color=colors.get(t))
                elif failed:
                    ax.plot([], [], marker="x", linestyle="none", label=lab, color=colors.get(t))
            ax.set_title(wname + " " + WORKLOAD_DESC.get(wname, "").replace("`", ""), fontsize=9)
            ax.set_xlabel("clients")
            ax.set_ylabel(ylabel)
            cl = sorted({k[1] for k in keys if k[0] == wname})
            if len(cl) > 1 and cl[0] > 0 and cl[-1] / cl[0] >= 10:
                ax.set_xscale("log")
            ax.set_xticks(cl)
            ax.set_xticklabels([str(c) for c in cl])
            ax.minorticks_off()
            vals_here = [summary[(k[0], k[1], t)][field] for k in keys for t in targets
                         if k[0] == wname and summary.get((k[0], k[1], t)) and summary[(k[0], k[1], t)].get(field)]
            if logy and vals_here and max(vals_here) / min(vals_here) > 20:
                ax.set_yscale("log")
            else:
                ax.set_ylim(bottom=0, top=max(vals_here, default=1) * 1.15)
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize=8)
        for j in range(n, rows * cols):
            axes[j // cols][j % cols].axis("off")
        fig.suptitle(title, fontsize=10)
        fig.tight_layout()
        p = os.path.join(imgdir, fname)
        fig.savefig(p, dpi=90)
        plt.close(fig)
        out.append(fname)

    line_chart("tps", "bench-tps.png", "Median TPS vs clients (higher is better)", "TPS")
    line_chart("lat", "bench-latency.png", "Mean latency vs clients (lower is better)", "ms", logy=True)
    # CPU per transaction: grouped bars per cell, one bar per proxy
    prox = [t for t in PROXIES if t in targets]
    labels, vals = [], {t: [] for t in prox}
    for k in keys:
        if any((summary.get((k[0], k[1], t)) or {}).get("cpu_us_tx") for t in prox):
            labels.append(f"{k[0]}\nc={k[1]}")
            for t in prox:
                s = summary.get((k[0], k[1], t))
                vals[t].append(s["cpu_us_tx"] if s and s.get("cpu_us_tx") is not None else 0.0)
    if labels:
        fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(labels) + 2), 3.8))
        width = 0.76 / len(prox)
        top = max(max(v) for v in vals.values()) or 1.0
        for i, t in enumerate(prox):
            xs = [x + (i - (len(prox) - 1) / 2) * width for x in range(len(labels))]
            ax.bar(xs, vals[t], width, label=LABEL[t], color=colors[t])
            for x, v in zip(xs, vals[t]):
                if v:
                    ax.text(x, v + top * 0.01, f"{v:.0f}", ha="center", va="bottom", fontsize=7)
                else:
                    ax.text(x, top * 0.02, "failed/n.a.", ha="center", va="bottom", fontsize=6, rotation=90)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, fontsize=8)
        ax.set_ylim(0, top * 1.25)
        ax.set_ylabel("proxy CPU µs per transaction")
        ax.set_title("Proxy CPU time per transaction (utime+stime, lower is better)", fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left", ncol=2)
        fig.tight_layout()
        fig.savefig(os.path.join(imgdir, "bench-cpu.png"), dpi=90)
        plt.close(fig)
        out.append("bench-cpu.png")
    return out, None


def targets_table(summary, keys):
    """Issue 2 item 14 aims and issue 9 targets, evaluated on what this run measured."""
    S = lambda w, c, t: summary.get((w, c, t))  # noqa: E731
    rows = []

    def add(aim, figure, ok):
        rows.append((aim, figure, "–" if ok is None else ("met" if ok else "**missed**")))

    def tps_ratio(w, c, ref="pgbouncer"):
        a, b = S(w, c, "pgmux"), S(w, c, ref)
        if not a or not b or a["skip"] or b["skip"]:
            return None, None
        return ratio(a["tps"], b["tps"]), (a, b)

    cells = set(keys)
    # issue 2 item 14
    for w in ("select", "select-ext", "tpcb", "tpcb-ext"):
        if (w, 256) in cells:
            r, ab = tps_ratio(w, 256)
            if ab:
                add(f"#2: {w} at 256 clients, pgmux TPS ≥ PgBouncer's",
                    f"{fmt(ab[0]['tps'])} vs {fmt(ab[1]['tps'])} = {fratio(r)}",
                    None if r is None else r >= 1.0)
    for w in ("select", "select-ext"):
        if (w, 1) in cells:
            a, b, d = S(w, 1, "pgmux"), S(w, 1, "pgbouncer"), S(w, 1, "direct")
            if a and b and a["lat"] and b["lat"]:
                r = a["lat"] / b["lat"]
                extra = ""
                if d and d.get("lat"):
                    extra = (f"; overhead over direct: pgmux {1000 * (a['lat'] - d['lat']):+.0f} µs, "
                             f"PgBouncer {1000 * (b['lat'] - d['lat']):+.0f} µs")
                add(f"#2/#9: {w} at 1 client, pgmux mean latency ≤ 1.3× PgBouncer's",
                    f"{a['lat']:.3f} vs {b['lat']:.3f} ms = {r:.2f}×{extra}", r <= 1.3)
    # issue 9
    for c in (256, 1000):
        if ("select", c) in cells:
            r, ab = tps_ratio("select", c)
            if ab:
                add(f"#9: select at {c} clients, pgmux TPS ≥ 1.2× PgBouncer's", fratio(r),
                    None if r is None else r >= 1.2)
    for c in (64, 256):
        for w in ("select", "select-ext", "tpcb"):
            if (w, c) in cells:
                a, b = S(w, c, "pgmux"), S(w, c, "pgbouncer")
                if a and b and a.get("cpu_us_tx") and b.get("cpu_us_tx"):
                    r = a["cpu_us_tx"] / b["cpu_us_tx"]
                    add(f"#9: {w} at {c} clients, pgmux CPU per transaction ≤ 1.0× PgBouncer's",
                        f"{a['cpu_us_tx']:.1f} vs {b['cpu_us_tx']:.1f} µs = {r:.2f}×", r <= 1.0)
    if ("select-prep", 256) in cells:
        a = S("select-prep", 256, "pgmux")
        e = S("select-ext", 256, "pgmux")
        if a and not a["skip"]:
            zero = a["n_bad"] == 0
            r = ratio(a["tps"], e["tps"]) if e and not e["skip"] else None
            fig = (f"{a['n_bad']} of {a['n']} runs with errors; " +
                   (f"prepared {fmt(a['tps'])} vs extended {fmt(e['tps'])} TPS = {fratio(r)}" if r else "no extended figure"))
            add("#9: select-prep at 256 clients through pgmux: zero errors and ≥ 1.1× pgmux's own select-ext TPS",
                fig, zero and r is not None and r >= 1.1)
    for c in (64, 256):
        if ("tpcb", c) in cells and c != 256:
            r, ab = tps_ratio("tpcb", c)
            if ab:
                add(f"#9: tpcb at {c} clients, pgmux TPS ≥ 1.0× PgBouncer's", fratio(r), None if r is None else r >= 1.0)
    for c in (8, 64):
        if ("select-conn", c) in cells:
            r, ab = tps_ratio("select-conn", c)
            if ab:
                add(f"#9: connection set-up (-C, SCRAM) at {c} clients, pgmux ≥ 1.0× PgBouncer's connections/s",
                    fratio(r), None if r is None else r >= 1.0)
    return rows


def render(rundir, meta, summary, keys, targets, detail, img_prefix, chart_files, chart_note):
    L = []
    label = meta.get("label") or ""
    L.append(f"### {meta.get('title', 'Results')}")
    L.append("")
    if label:
        L.append(f"> **{label}**")
        L.append("")
    items = [
        ("Date", meta.get("date")),
        ("Machine", meta.get("machine")),
        ("Load average before the run", meta.get("load_before")),
        ("PostgreSQL", meta.get("pg_version")),
        ("PgBouncer", meta.get("pgbouncer_version")),
        ("pgbench", meta.get("pgbench_version")),
        ("Java", meta.get("java_version")),
        ("pgmux", meta.get("pgmux_commit")),
        ("pgmux event loops", meta.get("pgmux_transport") or None),
        ("pgmux JVM flags", f"`{meta.get('java_opts', '')}`"),
        (LABEL["pgmux-b"], meta.get("pgmux_b_commit")),
        (f"{LABEL['pgmux-b']} event loops", meta.get("pgmux_b_transport") or None),
        (f"{LABEL['pgmux-b']} JVM flags", f"`{meta['pgmux_b_java_opts']}`" if meta.get("pgmux_b_java_opts") else None),
        ("Command", f"`{meta.get('command', '')}`"),
        ("Plan", meta.get("plan")),
    ]
    for k, v in items:
        if v:
            L.append(f"- {k}: {v}")
    L.append("")
    # ---- table 1
    have = [t for t in targets]
    has_pgb = "pgbouncer" in have
    has_dir = "direct" in have
    L.append("#### Throughput and latency")
    L.append("")
    L.append("Median TPS over the rounds; mean of the rounds' mean latency (ms). "
             "Ratios are of the medians (> 1 means pgmux has more TPS; for latency, < 1 means pgmux is faster). "
             "⚠ = some runs of that cell had errors (see below); spread = the largest (max − min) / median of any target's TPS over its rounds, a noise indicator.")
    L.append("")
    hdr = ["workload", "clients"] + [f"{LABEL[t]} TPS" for t in have]
    if has_pgb:
        hdr.append("pgmux / PgBouncer TPS")
    if has_dir:
        hdr.append("pgmux / direct TPS")
    has_b = "pgmux-b" in have and "pgmux" in have
    if has_b:
        hdr.append(f"{LABEL['pgmux-b']} / pgmux TPS")
    hdr += [f"{LABEL[t]} lat ms" for t in have]
    if has_pgb:
        hdr.append("pgmux / PgBouncer lat")
    hdr.append("spread")
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "|".join(["---"] * 2 + ["---:"] * (len(hdr) - 2)) + "|")
    for k in keys:
        ss = {t: summary.get((k[0], k[1], t)) for t in have}
        row = [f"{k[0]} ({WORKLOAD_DESC.get(k[0], '')})", str(k[1])]
        row += [cell_tps(ss[t]) for t in have]
        m = ss.get("pgmux")
        if has_pgb:
            b = ss.get("pgbouncer")
            row.append(fratio(ratio(m and m["tps"], b and b["tps"])) if m and b else "–")
        if has_dir:
            d = ss.get("direct")
            row.append(fratio(ratio(m and m["tps"], d and d["tps"])) if m and d else "–")
        if has_b:
            mb = ss.get("pgmux-b")
            row.append(fratio(ratio(mb and mb["tps"], m and m["tps"])) if m and mb else "–")
        for t in have:
            s = ss[t]
            row.append("n/a" if s and s["skip"] else fmt(s and s["lat"], 3))
        if has_pgb:
            b = ss.get("pgbouncer")
            row.append(fratio(ratio(m and m["lat"], b and b["lat"])) if m and b else "–")
        sp = [spread(ss[t]) for t in have if ss[t]]
        sp = [x for x in sp if x is not None]
        row.append(f"{max(sp):.0f}%" if sp else "–")
        L.append("| " + " | ".join(row) + " |")
    L.append("")
    # ---- table 2
    prox = [t for t in PROXIES if t in have]
    if prox:
        L.append("#### Proxy cost")
        L.append("")
        L.append("CPU µs/tx = the proxy process's utime+stime (all threads, `/proc/PID/stat`) during pgbench's "
                 "measured window divided by the transactions in it (median over rounds); CPU % = of one core "
                 "during that window; RSS = the proxy's resident set after the cell's runs (max over rounds); "
                 "host busy = all cores, whole machine (pgbench and PostgreSQL included).")
        L.append("")
        hdr = ["workload", "clients"] + [f"{LABEL[t]} CPU µs/tx" for t in prox]
        vs_pgb = "pgmux" in prox and "pgbouncer" in prox
        vs_mux = "pgmux" in prox and "pgmux-b" in prox
        if vs_pgb:
            hdr.append("pgmux / PgBouncer CPU")
        if vs_mux:
            hdr.append(f"{LABEL['pgmux-b']} / pgmux CPU")
        hdr += [f"{LABEL[t]} CPU %" for t in prox] + [f"{LABEL[t]} RSS MiB" for t in prox] + ["host busy"]
        L.append("| " + " | ".join(hdr) + " |")
        L.append("|" + "|".join(["---"] * 2 + ["---:"] * (len(hdr) - 2)) + "|")
        for k in keys:
            ss = {t: summary.get((k[0], k[1], t)) for t in prox}
            row = [k[0], str(k[1])]
            for t in prox:
                s = ss[t]
                row.append("n/a" if not s or s["skip"] else fmt(s["cpu_us_tx"], 1))
            if vs_pgb:
                a, b = ss["pgmux"], ss["pgbouncer"]
                row.append(fratio(ratio(a and a["cpu_us_tx"], b and b["cpu_us_tx"])) if a and b else "–")
            if vs_mux:
                a, b = ss["pgmux-b"], ss["pgmux"]
                row.append(fratio(ratio(a and a["cpu_us_tx"], b and b["cpu_us_tx"])) if a and b else "–")
            for t in prox:
                s = ss[t]
                row.append("n/a" if not s or s["skip"] else fmt(s["proxy_cpu_pct"], 0, "%"))
            for t in prox:
                s = ss[t]
                row.append("n/a" if not s or s["skip"] else fmt(s["rss_after_mib"], 1))
            hb = [summary.get((k[0], k[1], t)) for t in have]
            hb = [x["host_busy_pct"] for x in hb if x and x.get("host_busy_pct") is not None]
            row.append(fmt(st.mean(hb), 0, "%") if hb else "–")
            L.append("| " + " | ".join(row) + " |")
        L.append("")
    # ---- targets
    tr = targets_table(summary, keys)
    if tr:
        L.append("#### Against the aims (issue 2 item 14, issue 9)")
        L.append("")
        L.append("| aim | this run | verdict |")
        L.append("|---|---|---|")
        for a, f, v in tr:
            L.append(f"| {a} | {f} | {v} |")
        L.append("")
        L.append("A verdict from one noisy run is an indication, not a result; see the spread column above.")
        L.append("")
    # ---- errors
    errs = []
    for k in keys:
        for t in have:
            s = summary.get((k[0], k[1], t))
            if s and not s["skip"] and (s["n_bad"] or not s["clean"]):
                errs.append(f"- {k[0]}, {k[1]} clients, {LABEL[t]}: {s['n_bad']} of {s['n']} runs "
                            f"{'/'.join(s['statuses']) or 'with errors'}"
                            + (": " + "; ".join(f"`{e}`" for e in s["errors"][:3]) if s["errors"] else "")
                            + (f" (not repeated in {s['not_repeated']} later round(s))" if s.get("not_repeated") else ""))
    skipped = sorted({(k[0], k[1], t, summary[(k[0], k[1], t)]["skip_reason"]) for k in keys for t in have
                      if summary.get((k[0], k[1], t)) and summary[(k[0], k[1], t)]["skip"]})
    L.append("#### Errors and skipped cells")
    L.append("")
    if errs:
        L.extend(errs)
    else:
        L.append("- No pgbench errors in any run.")
    for w, c, t, why in skipped:
        L.append(f"- {w}, {c} clients, {LABEL.get(t, t)}: not run ({meta.get('skip_' + t, why)})")
    for note in (meta.get("notes") or "").split(" || "):
        if note.strip():
            L.append(f"- {note.strip()}")
    L.append("")
    # ---- charts
    if chart_files:
        L.append("#### Charts")
        L.append("")
        for fn in chart_files:
            L.append(f"![{fn[:-4]}]({img_prefix}{fn})")
            L.append("")
    elif chart_note:
        L.append(f"_{chart_note}; install Debian's `python3-matplotlib` to get PNG charts._")
        L.append("")
    L.append(f"Raw data of this run: `runs-detail.csv`, `summary.csv`, `samples.csv` and the pgbench logs "
             f"in the run directory (`{meta.get('run_dir_rel', rundir)}`, not committed).")
    return "\n".join(L) + "\n"


def cmd_report(rundir, img_prefix="img/"):
    meta, detail, summary, keys, targets = analyse(rundir)
    write_csvs(rundir, detail, summary, keys, targets)
    files, note = charts(rundir, summary, keys, targets, img_prefix)
    md = render(rundir, meta, summary, keys, targets, detail, img_prefix, files, note)
    with open(os.path.join(rundir, "results.md"), "w") as f:
        f.write(md)
    if note:
        print(note, file=sys.stderr)


def cmd_update_docs(doc, section):
    with open(section) as f:
        body = f.read().rstrip("\n") + "\n"
    try:
        with open(doc) as f:
            text = f.read()
    except FileNotFoundError:
        text = "# Benchmarks\n"
    # the markers count only as whole lines (the page may mention them in its prose)
    lines = text.split("\n")
    b = next((i for i, l in enumerate(lines) if l.strip() == BEGIN), None)
    e = next((i for i, l in enumerate(lines) if l.strip() == END and b is not None and i > b), None)
    if b is not None and e is not None:
        text = "\n".join(lines[:b + 1]) + "\n" + body + "\n".join(lines[e:])
    else:
        text = text.rstrip("\n") + "\n\n## Results\n\n" + BEGIN + "\n" + body + END + "\n"
    tmp = doc + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, doc)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "sample" and len(argv) >= 4:
        cmd_sample(argv[2], argv[3], argv[4:])
    elif cmd == "report" and len(argv) >= 3:
        prefix = "img/"
        if "--img-prefix" in argv:
            prefix = argv[argv.index("--img-prefix") + 1]
        cmd_report(argv[2], prefix)
    elif cmd == "update-docs" and len(argv) == 4:
        cmd_update_docs(argv[2], argv[3])
    elif cmd == "has-matplotlib":
        try:
            import matplotlib  # noqa: F401
        except Exception:  # noqa: BLE001
            return 1
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
