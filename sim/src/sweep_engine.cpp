// sweep_engine.cpp: the (point, run) engine. Threads take runs of the earliest unfinished point,
// or prepare the next point (load its scenario, find or draw its population), so a sweep of many
// small points keeps every core busy. Each point's runs are summed in run order through the
// project's one reorder buffer (ordered_pool.hpp), so every byte is the same whatever the threads.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <list>
#include <map>
#include <mutex>
#include <numeric>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "leadsim/contest.hpp"
#include "leadsim/population.hpp"
#include "leadsim/report.hpp"
#include "leadsim/sweep.hpp"
#include "ordered_pool.hpp"
#include "sweep_detail.hpp"

namespace leadsim {

using namespace detail;

namespace {

constexpr double kZ95 = 1.959964;

// A point's figures, summed in run order (as Summary sums, so the figures match it): what
// points.csv needs, and the spread over the runs (histograms laid out as Summary's).
struct PointAccumulator {
  std::uint64_t runs = 0;
  std::vector<std::uint64_t> wins;
  std::vector<double> share_sum, share_sq, nom_sum, nom_sq;
  double att_sum = 0, att_sq = 0;
  std::vector<Distribution> share_dist, nom_dist;
  Distribution att_dist{0, 1, 10000};

  PointAccumulator(size_t k, size_t clps)
      : wins(k), share_sum(k), share_sq(k), nom_sum(k), nom_sq(k),
        share_dist(k, Distribution(0, 1, 10000)),
        nom_dist(k, Distribution(0, double(clps) + 1, int(clps) + 1)) {}
  void add(const RunResult& r) {
    ++runs;
    for (size_t c = 0; c < wins.size(); ++c) {
      wins[c] += r.winner == int(c);
      share_sum[c] += r.share[c];
      share_sq[c] += r.share[c] * r.share[c];
      const double n = r.nominations[c];
      nom_sum[c] += n;
      nom_sq[c] += n * n;
      share_dist[c].add(r.share[c]);
      nom_dist[c].add(n);
    }
    const double a = r.attendance_rate();
    att_sum += a;
    att_sq += a * a;
    att_dist.add(a);
  }
  MeanEstimate mean(double sum, double sq) const {
    const double n = double(runs), m = runs ? sum / n : 0.0;
    const double var = runs > 1 ? std::max(0.0, (sq - n * m * m) / (n - 1)) : 0.0;
    const double se = runs ? std::sqrt(var / n) : 0.0;
    return {m, se, m - kZ95 * se, m + kZ95 * se};
  }
  static RunSpread spread(const Distribution& d) { return {d.quantile(0.05), d.quantile(0.95)}; }
  PointStats stats() const {
    PointStats s;
    s.runs = runs;
    for (size_t c = 0; c < wins.size(); ++c) {
      s.win.push_back(wilson(wins[c], runs));
      s.share.push_back(mean(share_sum[c], share_sq[c]));
      s.nominations.push_back(mean(nom_sum[c], nom_sq[c]));
      s.share_spread.push_back(spread(share_dist[c]));
      s.nominations_spread.push_back(spread(nom_dist[c]));
    }
    s.attendance = mean(att_sum, att_sq);
    s.attendance_spread = spread(att_dist);
    return s;
  }
  double width(const AdaptiveTarget& t, int c) const {
    const size_t i = size_t(c);
    switch (t.output) {
      case AdaptiveTarget::Output::win: {
        const Proportion p = wilson(wins[i], runs);
        return p.hi - p.lo;
      }
      case AdaptiveTarget::Output::share: {
        const MeanEstimate e = mean(share_sum[i], share_sq[i]);
        return e.hi - e.lo;
      }
      case AdaptiveTarget::Output::nominations: {
        const MeanEstimate e = mean(nom_sum[i], nom_sq[i]);
        return e.hi - e.lo;
      }
    }
    return 0;
  }
};

using PopulationFuture = std::shared_future<std::shared_ptr<const Population>>;

// Threads take (point, run) pairs: the earliest point with runs left first, else prepare a
// fetched point (load its scenario, find or draw its population), else fetch the next point.
// Runs of a point are summed in run order through the pool's reorder buffer (ordered_pool.hpp),
// so every byte is the same whatever the threads.
class Engine {
 public:
  Engine(const Scenario& base, const SweepSpec& spec, const std::vector<SweepPoint>& design,
         int threads, const std::function<std::optional<std::uint64_t>()>& next,
         const std::function<void(PointResult&&)>& done, const std::atomic<bool>* cancel,
         const std::function<void()>& on_run, const RunResultSink& on_result)
      : base_(base), spec_(spec), design_(design), next_(next), done_(done), on_run_(on_run),
        on_result_(on_result), pool_(cancel) {
    threads_ = resolve_threads(threads);
    // Enough points in flight that a thread preparing one (loading its scenario, perhaps drawing
    // its population) never leaves the others without runs, yet memory stays bounded.
    max_active_ = size_t(2 * threads_ + 2);
    if (spec.adaptive) adaptive_candidate_ = base.candidate_index(spec.adaptive->candidate);
  }

  void run() {
    pool_.run(threads_, [this](int) { work(); });
  }

 private:
  struct Finished {
    RunResult result;
    std::string row;
  };
  struct Active {
    std::uint64_t serial = 0;
    const SweepPoint* point = nullptr;
    enum class State { fresh, preparing, ready } state = State::fresh;
    std::unique_ptr<Scenario> scenario;
    std::shared_ptr<const Population> pop;
    std::string prefix;  // "point,values...," for each runs.csv row
    std::uint64_t target = 0, issued = 0;
    ReorderBuffer<Finished> finished;  // runs done, handed on in run order
    std::unique_ptr<PointAccumulator> acc;
    std::string rows;
  };

  // Loads the point's scenario and finds or draws its population (outside the lock).
  void prepare(Active& a) {
    const SweepPoint& pt = *a.point;
    std::unique_ptr<Scenario> s;
    try {
      s = std::make_unique<Scenario>(load_scenario(base_.file, pt.overrides(spec_)));
    } catch (const InputError& e) {
      std::string values;
      for (size_t i = 0; i < pt.values.size(); ++i)
        values += (i ? ", " : "") + spec_.params[i].path + "=" + pt.shown[i];
      std::vector<Diagnostic> d;
      for (const auto& x : e.diagnostics())
        d.push_back({x.file, x.line, x.column,
                     fmt::format("point {} ({}) is refused: {}", pt.index, values, x.message)});
      throw InputError(d);
    }
    const std::uint64_t pop_seed = pt.population_seed.value_or(pt.seed);
    const std::string sig = population_signature(*s, pop_seed);
    PopulationFuture fut;
    std::promise<std::shared_ptr<const Population>> promise;
    bool mine = false;
    {
      std::lock_guard lk(mu_);
      auto it = std::find_if(cache_.begin(), cache_.end(), [&](const auto& c) { return c.first == sig; });
      if (it != cache_.end()) {
        fut = it->second;
      } else {
        fut = promise.get_future().share();
        cache_.emplace_back(sig, fut);
        // Two populations kept: enough for designs that alternate, bounded for national ones.
        if (cache_.size() > 2) cache_.pop_front();
        mine = true;
      }
    }
    if (mine) {
      try {
        promise.set_value(std::make_shared<const Population>(synthesise(*s, pop_seed)));
      } catch (...) {
        promise.set_exception(std::current_exception());
      }
    }
    a.pop = fut.get();
    a.prefix = std::to_string(pt.index);
    for (const auto& v : pt.shown) (a.prefix += ',') += csv_field(v);
    a.prefix += ',';
    a.acc = std::make_unique<PointAccumulator>(s->candidates.size(), s->clps.size());
    a.scenario = std::move(s);
  }

  void work() {
    {
      ContestWorkspace ws;
      std::ostringstream os;
      std::unique_ptr<RunsCsv> writer;
      std::uint64_t writer_for = 0;
      std::unique_lock lk(mu_);
      for (;;) {
        if (pool_.stopped()) break;
        Active* a = nullptr;
        for (auto& x : active_)
          if (x.state == Active::State::ready && x.issued < x.target) {
            a = &x;
            break;
          }
        if (!a) {
          Active* fresh = nullptr;
          for (auto& x : active_)
            if (x.state == Active::State::fresh) {
              fresh = &x;
              break;
            }
          if (fresh) {
            fresh->state = Active::State::preparing;
            lk.unlock();
            prepare(*fresh);
            lk.lock();
            fresh->state = Active::State::ready;
            cv_.notify_all();
            continue;
          }
          if (!source_done_ && !fetching_ && active_.size() < max_active_) {
            fetching_ = true;
            lk.unlock();
            std::optional<std::uint64_t> p;
            try {
              p = next_();
            } catch (...) {
              lk.lock();
              fetching_ = false;
              throw;
            }
            lk.lock();
            fetching_ = false;
            if (!p) {
              source_done_ = true;
            } else {
              if (*p >= design_.size()) throw std::out_of_range("sweep point index out of range");
              Active& x = active_.emplace_back();
              x.serial = ++serial_;
              x.point = &design_[size_t(*p)];
              x.target = spec_.runs;
            }
            cv_.notify_all();
            continue;
          }
          if (source_done_ && active_.empty()) break;
          cv_.wait(lk);
          continue;
        }
        const std::uint64_t run = a->issued++;
        lk.unlock();
        Finished f;
        run_contest(*a->scenario, *a->pop, a->point->seed, run, ws, f.result);
        if (on_result_) on_result_(a->point->index, run, f.result);
        // The run command's own row writer (report.hpp), kept per thread while the point lasts.
        if (!writer || writer_for != a->serial) {
          writer = std::make_unique<RunsCsv>(*a->scenario, os);
          writer_for = a->serial;
        }
        os.str("");
        writer->on_run(f.result);
        f.row = a->prefix + os.str();
        lk.lock();
        a->finished.put(run, std::move(f), [a](std::uint64_t, const Finished& x) {
          a->acc->add(x.result);
          a->rows += x.row;
        });
        if (on_run_) on_run_();
        if (a->finished.next() == a->target) {
          // Adaptive: the decision after each batch depends only on the runs so far, in order,
          // so the number of runs is the same whatever the threads.
          const bool more = spec_.adaptive && a->target < spec_.adaptive_cap() &&
                            !(a->acc->width(*spec_.adaptive, adaptive_candidate_) < spec_.adaptive->width);
          if (more) {
            a->target = std::min(a->target + spec_.runs, spec_.adaptive_cap());
          } else {
            PointResult r{a->point->index, a->acc->stats(), std::move(a->rows)};
            active_.remove_if([&](const Active& x) { return &x == a; });
            lk.unlock();
            done_(std::move(r));
            lk.lock();
          }
        }
        cv_.notify_all();
      }
      cv_.notify_all();
    }
  }

  const Scenario& base_;
  const SweepSpec& spec_;
  const std::vector<SweepPoint>& design_;
  const std::function<std::optional<std::uint64_t>()>& next_;
  const std::function<void(PointResult&&)>& done_;
  const std::function<void()>& on_run_;
  const RunResultSink& on_result_;
  int threads_ = 1;
  size_t max_active_ = 4;
  int adaptive_candidate_ = -1;

  OrderedPool pool_;
  std::mutex& mu_ = pool_.mu;
  std::condition_variable& cv_ = pool_.cv;
  std::list<Active> active_;
  std::list<std::pair<std::string, PopulationFuture>> cache_;
  std::uint64_t serial_ = 0;
  bool source_done_ = false, fetching_ = false;
};

}  // namespace

bool compute_points(const Scenario& base, const SweepSpec& spec, const std::vector<SweepPoint>& design,
                    int threads, const std::function<std::optional<std::uint64_t>()>& next,
                    const std::function<void(PointResult&&)>& done, const std::atomic<bool>* cancel,
                    const std::function<void()>& on_run, const RunResultSink& on_result) {
  Engine e(base, spec, design, threads, next, done, cancel, on_run, on_result);
  e.run();
  return !(cancel && cancel->load());
}

struct PointDelivery::Impl {
  const std::vector<SweepPoint>& design;
  SweepSink& sink;
  std::unordered_map<std::uint64_t, std::uint64_t> position;  // point -> its place in the order
  ReorderBuffer<PointResult> waiting;                         // finished ahead of an earlier point
};

PointDelivery::PointDelivery(const std::vector<SweepPoint>& design, const std::vector<std::uint64_t>& order,
                             SweepSink& sink)
    : impl_(std::make_unique<Impl>(Impl{design, sink, {}, ReorderBuffer<PointResult>(0)})) {
  for (size_t i = 0; i < order.size(); ++i) impl_->position[order[i]] = i;
}

PointDelivery::~PointDelivery() = default;

void PointDelivery::add(PointResult&& r) {
  Impl& m = *impl_;
  m.waiting.put(m.position.at(r.point), std::move(r), [&](std::uint64_t, const PointResult& x) {
    m.sink.on_point(m.design[size_t(x.point)], x);
  });
}

std::uint64_t PointDelivery::delivered() const { return impl_->waiting.next(); }

bool run_sweep(const Scenario& base, const SweepSpec& spec, const SweepOptions& opt, SweepSink& sink) {
  const std::vector<SweepPoint> design = design_points(spec);
  std::vector<std::uint64_t> order = opt.points;
  if (order.empty()) {
    order.resize(design.size());
    std::iota(order.begin(), order.end(), std::uint64_t(0));
  }
  PointDelivery delivery(design, order, sink);

  const auto start = std::chrono::steady_clock::now();
  std::mutex mu;
  size_t handed = 0;
  std::atomic<std::uint64_t> runs_done{0};
  std::mutex progress_mu;
  auto report = [&] {
    if (!opt.progress) return;
    std::lock_guard lk(progress_mu);
    SweepProgress p;
    {
      std::lock_guard l2(mu);
      p.points_done = delivery.delivered();
    }
    p.points_total = order.size();
    p.runs_done = runs_done.load();
    p.runs_expected = std::max<std::uint64_t>(p.runs_done, order.size() * spec.runs);
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    opt.progress(p);
  };
  const std::function<std::optional<std::uint64_t>()> next = [&]() -> std::optional<std::uint64_t> {
    std::lock_guard lk(mu);
    if (handed == order.size()) return std::nullopt;
    return order[handed++];
  };
  const std::function<void(PointResult&&)> done = [&](PointResult&& r) {
    {
      // The sink writes under the lock: points reach it one at a time, in order.
      std::lock_guard lk(mu);
      delivery.add(std::move(r));
    }
    report();
  };
  const std::function<void()> on_run = [&] {
    ++runs_done;
    report();
  };
  compute_points(base, spec, design, opt.threads, next, done, opt.cancel, on_run);
  return delivery.delivered() == order.size();
}

PointResult run_point(const Scenario& base, const SweepSpec& spec, const SweepPoint& point, int threads) {
  std::vector<SweepPoint> design(size_t(point.index) + 1);
  design[size_t(point.index)] = point;
  bool given = false;
  PointResult out;
  compute_points(
      base, spec, design, threads,
      [&]() -> std::optional<std::uint64_t> {
        if (given) return std::nullopt;
        given = true;
        return point.index;
      },
      [&](PointResult&& r) { out = std::move(r); });
  return out;
}

}  // namespace leadsim
