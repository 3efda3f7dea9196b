// sweep_wire.cpp: a finished point as bytes and back, the form in which MPI ranks send their
// points to the coordinator. Both ends are the same build on machines of one cluster, so the
// figures travel as their in-memory bytes (no rounding: the coordinator writes what a single
// process would).
#include <cstring>
#include <stdexcept>

#include "leadsim/sweep.hpp"

namespace leadsim {

namespace {

template <class T>
void put(std::string& out, const T& x) {
  out.append(reinterpret_cast<const char*>(&x), sizeof(T));
}
template <class T>
T take(std::string_view& in) {
  if (in.size() < sizeof(T)) throw std::runtime_error("a serialised point is truncated");
  T x;
  std::memcpy(&x, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return x;
}

}  // namespace

std::string serialize(const PointResult& r) {
  std::string out;
  put(out, r.point);
  put(out, r.stats.runs);
  put(out, std::uint64_t(r.stats.win.size()));
  for (size_t c = 0; c < r.stats.win.size(); ++c) {
    put(out, r.stats.win[c]);
    put(out, r.stats.share[c]);
    put(out, r.stats.nominations[c]);
    put(out, r.stats.share_spread[c]);
    put(out, r.stats.nominations_spread[c]);
  }
  put(out, r.stats.attendance);
  put(out, r.stats.attendance_spread);
  put(out, std::uint64_t(r.runs_rows.size()));
  out += r.runs_rows;
  return out;
}

PointResult deserialize_point(std::string_view in) {
  PointResult r;
  r.point = take<std::uint64_t>(in);
  r.stats.runs = take<std::uint64_t>(in);
  const auto k = take<std::uint64_t>(in);
  if (k > 10000) throw std::runtime_error("a serialised point is damaged");
  for (std::uint64_t c = 0; c < k; ++c) {
    r.stats.win.push_back(take<Proportion>(in));
    r.stats.share.push_back(take<MeanEstimate>(in));
    r.stats.nominations.push_back(take<MeanEstimate>(in));
    r.stats.share_spread.push_back(take<RunSpread>(in));
    r.stats.nominations_spread.push_back(take<RunSpread>(in));
  }
  r.stats.attendance = take<MeanEstimate>(in);
  r.stats.attendance_spread = take<RunSpread>(in);
  const auto n = take<std::uint64_t>(in);
  if (in.size() != n) throw std::runtime_error("a serialised point has the wrong length");
  r.runs_rows.assign(in.data(), in.size());
  return r;
}

}  // namespace leadsim
