#include "runner.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <exception>

#include "leadsim/ensemble.hpp"
#include "params.hpp"

namespace leadsim::viz {

const char* phase_name(Runner::Phase p) {
  switch (p) {
    case Runner::Phase::idle:
      return "idle";
    case Runner::Phase::waiting:
      return "waiting";
    case Runner::Phase::synthesising:
      return "drawing the population";
    case Runner::Phase::running:
      return "running";
    case Runner::Phase::done:
      return "done";
    case Runner::Phase::cancelled:
      return "cancelled";
    case Runner::Phase::failed:
      return "failed";
  }
  return "?";
}

// Streams each run, in run order, into the shared results.
class Runner::Feed : public RunObserver {
 public:
  explicit Feed(Runner& r) : r_(r) {}
  void on_run(const RunResult& run) override {
    std::lock_guard lk(r_.data_mu_);
    r_.shared_.summary->add(run);
    r_.shared_.runs.add(run);
  }

 private:
  Runner& r_;
};

Runner::Runner(double debounce_seconds) : debounce_(debounce_seconds) {
  thread_ = std::thread([this] { loop(); });
}

Runner::~Runner() {
  {
    std::lock_guard lk(control_mu_);
    stop_ = true;
    cancel_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Runner::submit(std::shared_ptr<const Scenario> s, std::vector<std::string> overrides,
                    RunSettings settings, bool immediately) {
  {
    std::lock_guard lk(control_mu_);
    const auto now = Clock::now();
    const auto delay = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(immediately ? 0.0 : debounce_));
    pending_ = Request{std::move(s), std::move(overrides), settings, now, now + delay};
    cancel_ = true;  // the running job, if any, stops at its next run
    if (status_.phase != Phase::synthesising) status_.phase = Phase::waiting;
  }
  cv_.notify_all();
}

void Runner::cancel() {
  {
    std::lock_guard lk(control_mu_);
    pending_.reset();
    cancel_ = true;
    if (status_.phase == Phase::waiting) status_.phase = Phase::cancelled;
  }
  cv_.notify_all();
}

void Runner::forget() {
  std::lock_guard lk(control_mu_);
  kept_.clear();
}

void Runner::forget(const std::string& key) {
  std::lock_guard lk(control_mu_);
  std::erase_if(kept_, [&](const Kept& k) { return k.key == key; });
}

std::string results_key(const Scenario& s, const RunSettings& settings) {
  std::string key = "runs=" + std::to_string(settings.runs) + "\nseed=" +
                    std::to_string(settings.seed) + "\n";
  for (const auto& r : s.resolved) key += r.path + "=" + r.value + "\n";
  return key;
}

Runner::Status Runner::status() const {
  std::lock_guard lk(control_mu_);
  Status s = status_;
  if (s.phase == Phase::running) {
    s.done = done_;
    s.seconds = std::chrono::duration<double>(Clock::now() - run_start_).count();
  }
  s.runs_per_second = s.seconds > 0 ? double(s.done) / s.seconds : 0;
  return s;
}

bool Runner::update(Results& view, double min_interval) {
  std::lock_guard lk(data_mu_);
  if (shared_.job == 0 || shared_.empty()) return false;
  const auto now = Clock::now();
  if (shared_.job != view.job) {
    view = shared_;
    last_copy_ = now;
    return true;
  }
  const bool ended = (shared_.complete || shared_.cancelled) &&
                     (view.complete != shared_.complete || view.cancelled != shared_.cancelled);
  const bool more = shared_.runs.size() > view.runs.size();
  if (!ended && (!more || std::chrono::duration<double>(now - last_copy_).count() < min_interval))
    return false;
  view.summary = shared_.summary;
  view.runs.append(shared_.runs, view.runs.size());
  view.complete = shared_.complete;
  view.cancelled = shared_.cancelled;
  last_copy_ = now;
  return true;
}

void Runner::loop() {
  // Lower priority for this thread and, inherited, the ensemble's workers (see the header).
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kWorkerNice);

  std::unique_lock lk(control_mu_);
  for (;;) {
    if (stop_) return;
    if (!pending_) {
      cv_.wait(lk, [&] { return stop_ || pending_; });
      continue;
    }
    if (Clock::now() < pending_->start_at) {  // debounce: a newer request moves start_at
      cv_.wait_until(lk, pending_->start_at);
      continue;
    }
    Request req = std::move(*pending_);
    pending_.reset();
    const std::uint64_t job = ++jobs_;
    status_ = Status{};
    status_.job = job;
    status_.total = req.settings.runs;
    status_.requested_at = req.submitted;

    // Seen before: the kept results are what the runs would give again.
    const std::string key = results_key(*req.scenario, req.settings);
    const auto earlier =
        std::find_if(kept_.begin(), kept_.end(), [&](const Kept& k) { return k.key == key; });
    if (earlier != kept_.end()) {
      {
        std::lock_guard dk(data_mu_);
        shared_ = earlier->results;
        shared_.job = job;
        shared_.scenario = req.scenario;
        shared_.overrides = req.overrides;
      }
      status_.done = earlier->results.count();
      std::rotate(earlier, earlier + 1, kept_.end());  // now the most recently used
      status_.phase = Phase::done;
      status_.kept = true;
      continue;
    }

    // The population: reused when nothing it depends on has changed.
    const std::string population_key = population_signature(*req.scenario, req.settings.seed);
    const bool reuse = population_ && population_key == population_key_;
    status_.population_reused = reuse;
    if (!reuse) {
      status_.phase = Phase::synthesising;
      lk.unlock();
      std::shared_ptr<const Population> pop;
      std::string error;
      const auto t0 = Clock::now();
      try {
        pop = std::make_shared<const Population>(synthesise(*req.scenario, req.settings.seed));
      } catch (const std::exception& e) {
        error = e.what();
      }
      const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
      lk.lock();
      status_.synthesis_seconds = secs;
      if (!pop) {
        status_.phase = Phase::failed;
        status_.error = "drawing the population failed: " + error;
        continue;
      }
      population_ = std::move(pop);
      population_key_ = population_key;
    }
    if (pending_ || stop_) continue;  // superseded while drawing: skip straight to the next

    {
      std::lock_guard dk(data_mu_);
      shared_ = Results{};
      shared_.job = job;
      shared_.scenario = req.scenario;
      shared_.population = population_;
      shared_.overrides = req.overrides;
      shared_.seed = req.settings.seed;
      shared_.runs_requested = req.settings.runs;
      shared_.summary.emplace(*req.scenario);
      shared_.runs.reset(int(req.scenario->candidates.size()));
    }
    cancel_ = false;
    done_ = 0;
    run_start_ = Clock::now();
    status_.phase = Phase::running;
    const std::shared_ptr<const Population> pop = population_;
    lk.unlock();

    EnsembleOptions opt;
    opt.seed = req.settings.seed;
    opt.runs = req.settings.runs;
    opt.threads = req.settings.threads;
    opt.cancel = &cancel_;
    opt.progress = [this](std::uint64_t done, std::uint64_t) { done_ = done; };
    Feed feed(*this);
    bool cancelled = false;
    std::string error;
    try {
      cancelled = run_ensemble(*req.scenario, *pop, opt, &feed).cancelled;
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::optional<Results> finished;  // a copy to keep, if the job ran to the end
    {
      std::lock_guard dk(data_mu_);
      shared_.complete = !cancelled && error.empty();
      shared_.cancelled = cancelled;
      if (shared_.complete) finished = shared_;
    }

    lk.lock();
    if (finished && finished->count() <= kMaxKeptRuns) {
      std::erase_if(kept_, [&](const Kept& k) { return k.key == key; });
      kept_.push_back({key, std::move(*finished)});
      if (kept_.size() > kKeptJobs) kept_.erase(kept_.begin());
    }
    status_.done = done_;
    status_.seconds = std::chrono::duration<double>(Clock::now() - run_start_).count();
    status_.phase = !error.empty() ? Phase::failed : cancelled ? Phase::cancelled : Phase::done;
    status_.error = error;
    // A request that arrived while running has cancelled this job; say so until it starts.
    if (pending_) status_.phase = Phase::waiting;
  }
}

}  // namespace leadsim::viz
