// population.hpp: the synthetic selectorate, one row per person (structure of arrays).
//
// Data flow: Scenario --synthesise()--> Population, once per ensemble (seeded from the master
// seed), then shared read-only by every Monte Carlo run and thread.
//
// What is drawn here are a person's enduring traits: which CLP they belong to, when they joined,
// how active they are, whether the party can contact them, whether they are in good standing, a
// General Committee delegate, or hostile, their personal offset in policy space and their
// personal taste for each candidate. What a run varies (each CLP's factional lean, and so each
// person's faction; attendance; turnout; persuasion) is drawn per run in contest.cpp.
//
// People are stored grouped by CLP (agents of CLP c are rows clp_begin[c] .. clp_begin[c+1]-1),
// so a meeting reads one contiguous block. Each person has a stable id (`uid`) derived from the
// wave's name and their index in it: per-person random draws are keyed by it, so adding a wave
// to a scenario does not change anyone else's draws.
//
// Memory: about 26 + 4*dimensions + 4*candidates bytes per person (pull and taste take two bytes
// each, see below).
#pragma once

#include "leadsim/eigen.hpp"
#include <cstdint>
#include <vector>

#include "leadsim/parliament.hpp"
#include "leadsim/scenario.hpp"

namespace leadsim {

// Bit flags in Population::traits.
enum Trait : std::uint8_t {
  kContactable = 1,   // the party's contact details are current: an invitation can reach them
  kGoodStanding = 2,  // paid up and not suspended
  kDelegate = 4,      // sits on the CLP's General Committee
  kHostile = 8,       // votes for the candidate worst for the party
  kOrganised = 16,    // in an organised wave: brought to meetings
};

inline constexpr std::uint8_t kNoAffiliate = 0xFF;

// One row per attribute, one column per person, rows contiguous: the hot loops read one
// attribute of many consecutive people.
using PersonMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// The same in 16-bit fixed point (value = step * q).
using PersonMatrix16 = Eigen::Matrix<std::int16_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Fixed point for pull and taste: every run streams both rows for every person, and at two bytes
// rather than four the rows the runs read stay in the last-level cache. A quantity with standard
// deviation sd is stored with the step the power of two that makes 2^15 steps span at least 8 sd:
// values beyond 8 sd (a chance of about 1e-15 each) saturate, and the resolution is at most
// 8 sd / 2^15 = 2.4e-4 sd. Taste is standard normal: step 2^-12. A power of two makes
// spread * (step * q) and (spread * step) * q the same float, so any order of the product gives
// the same bits.
float fixed_point_step(double sd);
inline constexpr float kTasteStep = 0x1p-12f;

struct Population {
  std::vector<std::uint32_t> clp_begin;  // size clps+1: people of CLP c are [clp_begin[c], clp_begin[c+1])
  // Within a CLP people are in wave order: size clps*waves+1, people of CLP c in wave w are
  // [segment_begin[c*waves+w], segment_begin[c*waves+w+1]) (so runs need not scan for the ends).
  std::vector<std::uint32_t> segment_begin;
  std::size_t waves = 0;  // the scenario's waves when drawn
  // General Committee delegates per segment (as segment_begin, without the end): how many of the
  // people of CLP c in wave w sit on its GC.
  std::vector<std::uint16_t> delegates;

  std::vector<std::uint32_t> uid;       // stable identity (wave id + index), keys per-person draws
  std::vector<std::uint16_t> clp;       // CLP index
  std::vector<std::uint8_t> wave;       // cohort (index into Scenario::waves)
  std::vector<std::uint8_t> section;    // Section
  std::vector<std::uint8_t> traits;     // Trait flags
  std::vector<std::uint8_t> affiliate;  // affiliate index for affiliated supporters, else kNoAffiliate
  std::vector<Day> joined;              // join date
  std::vector<float> activism;          // meeting-going propensity, mean 1 for a typical member
  std::vector<float> turnout;           // probability of voting in the final ballot if eligible:
                                        // logistic(logit(ballot.turnout[section])
                                        //          + ballot.activism_elasticity * log(activism))
  PersonMatrix offset;                  // dims x N: personal ideal point, in faction-spread units
  PersonMatrix16 taste;                 // candidates x N: personal taste, standard normal, in
                                        // steps of kTasteStep
  PersonMatrix16 pull;                  // candidates x N: 2 * salience * position_c . offset_i,
                                        // the personal part of the policy utility (see
                                        // preferences.hpp), fixed for the ensemble, in steps of
                                        // pull_step[c]
  std::vector<float> pull_step;         // per candidate: fixed_point_step(2 * salience * |position_c|)
  // Affiliated supporters again, compactly, for affiliates' consultations (which reach a few
  // percent of them, scattered over the population), grouped by affiliate (in row order within
  // one): those of affiliate a are entries affiliated_begin[a] .. affiliated_begin[a+1]-1, so a
  // run reads only the affiliates that consult. Rows, ids, and a record of what an
  // answer needs, together so that an answerer costs one cache line: affiliated_stride() int16
  // per entry, [CLP, wave | traits << 8, pull_0 .. pull_K-1, taste_0 .. taste_K-1].
  std::vector<std::uint32_t> affiliated, affiliated_uid, affiliated_begin;
  std::vector<std::int16_t> affiliated_record;
  std::size_t affiliated_stride() const { return 2 + 2 * size_t(pull.rows()); }

  Parliament parliament;  // the MPs and MEPs (parliament.hpp)

  std::size_t size() const { return uid.size(); }
  // CLP c's segment starts: the rows of CLP c in wave w are [segments(c)[w], segments(c)[w+1]).
  const std::uint32_t* segments(int c) const { return segment_begin.data() + size_t(c) * waves; }
  // CLP c's delegates per wave.
  const std::uint16_t* delegates_of(int c) const { return delegates.data() + size_t(c) * waves; }
  const float* offset_row(int d) const { return offset.data() + size_t(d) * size(); }
  const std::int16_t* taste_row(int c) const { return taste.data() + size_t(c) * size(); }
  const std::int16_t* pull_row(int c) const { return pull.data() + size_t(c) * size(); }
  float taste_of(int c, std::size_t i) const { return kTasteStep * float(taste_row(c)[i]); }
  float pull_of(int c, std::size_t i) const { return pull_step[size_t(c)] * float(pull_row(c)[i]); }
  std::size_t bytes() const;  // memory held
};

// Draws the population. Same scenario and seed: the same population, byte for byte.
Population synthesise(const Scenario& s, std::uint64_t seed);

// The CLPs a wave is concentrated on in the population synthesise(s, seed) draws (empty for
// proportional and uniform targeting). Tippable targets are read from the organisers'
// expectation of each CLP's room (officers.hpp) in a population drawn without them.
std::vector<int> wave_targets(const Scenario& s, const Wave& w, std::uint64_t seed);

}  // namespace leadsim

namespace leadsim {

// Whether synthesise() reads the parameter at `path` (a `--set` path such as "waves.new.size"):
// a sweep or the visualiser redraws the population only when such a parameter changes. Unknown
// sections count as read (redrawing is slow but never wrong).
bool population_depends_on(const std::string& path);
// Identifies the population synthesise(s, seed) would draw: the seed and the value in force of
// every parameter it depends on. Equal signatures, equal populations.
std::string population_signature(const Scenario& s, std::uint64_t seed);

}  // namespace leadsim
