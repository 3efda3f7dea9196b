// Tests for scenario.hpp: the loader's diagnostics on broken files (tests/broken/, one file per
// problem class), the example scenarios landing in the typed struct, --set overrides, and the key
// documentation behind `leadsim keys` and the manifest.
#include "leadsim/fields.hpp"
#include "leadsim/scenario.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "leadsim/sha256.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using leadsim::Diagnostic;
using leadsim::InputError;
using leadsim::load_scenario;
using leadsim::Scenario;

const std::string kSourceDir = LEADSIM_SOURCE_DIR;
const std::string kToy = kSourceDir + "/scenarios/toy.toml";
const std::string kLabour = kSourceDir + "/scenarios/labour-2016.toml";

std::string broken(const std::string& name) { return kSourceDir + "/tests/broken/" + name; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every diagnostic on its own line, for failure messages.
std::string dump(const std::vector<Diagnostic>& d) {
  std::string s;
  for (const auto& x : d) s += "  " + x.str() + "\n";
  return s.empty() ? "  (no diagnostics)\n" : s;
}

// Loads a scenario that must be rejected, and returns its diagnostics (empty, with a test
// failure recorded, if it loads or throws something else).
std::vector<Diagnostic> diagnostics_of(const std::string& path,
                                       const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario(path, overrides);
    ADD_FAILURE() << path << " loaded without error; expected an InputError";
  } catch (const InputError& e) {
    return e.diagnostics();
  } catch (const std::exception& e) {
    ADD_FAILURE() << path << " threw something other than InputError: " << e.what();
  }
  return {};
}

// The first diagnostic whose message contains `phrase`, or null.
const Diagnostic* find_message(const std::vector<Diagnostic>& d, const std::string& phrase) {
  for (const auto& x : d)
    if (x.message.find(phrase) != std::string::npos) return &x;
  return nullptr;
}

std::string resolved_value(const Scenario& s, const std::string& path) {
  for (const auto& p : s.resolved)
    if (p.path == path) return p.value;
  return "<not resolved>";
}

using leadsim::test::TempDir;

// ---------------------------------------------------------------------------------------------
// Broken files: one problem each, located at the line it was put on.

struct BrokenCase {
  const char* file;
  int line;            // line of the offending key in that file
  const char* phrase;  // a key phrase of the expected message
  std::size_t count;   // diagnostics expected in all
};

void PrintTo(const BrokenCase& c, std::ostream* os) { *os << c.file; }

const BrokenCase kBrokenCases[] = {
    {"syntax_error.toml", 5, "TOML syntax", 1},
    {"unknown_key_typo.toml", 5, "unknown key 'meetings.atendance' (did you mean 'attendance'?)", 1},
    {"unknown_table.toml", 4, "unknown key 'meeting' (did you mean 'meetings'?)", 1},
    {"wrong_type.toml", 5, "'meetings.attendance' should be a number", 1},
    {"probability_out_of_range.toml", 5, "'meetings.chair_bias' is 1.5, expected a number in [0, 1]",
     1},
    {"negative_size.toml", 5, "'waves.new.size' is -500, expected an integer in [1,", 1},
    {"zero_size.toml", 5, "'waves.new.size' is 0, expected an integer in [1,", 1},
    {"shares_not_sum_to_one.toml", 53, "'waves.new.factions': shares sum to 0.8, expected 1", 1},
    // The unknown entry is dropped, so the shares no longer sum to 1 either: two messages.
    {"unknown_faction_in_shares.toml", 53, "unknown faction 'moderat' (did you mean 'moderate'?)",
     2},
    {"unknown_mp_candidate.toml", 89, "'mps.support.centre': unknown candidate 'centre'", 2},
    {"reversed_dates.toml", 5, "joined_to 2019-06-30 is before joined_from 2020-01-01", 1},
    {"unknown_target_clp.toml", 6, "unknown CLP 'CLP 21'", 1},
    {"unknown_enum.toml", 5, "'meetings.persuasion' is \"magic\", expected one of: utility_shift, "
                             "bounded_confidence", 1},
    {"enum_typo.toml", 5, "expected one of: alternative_vote, plurality, two_round (did you mean 'plurality'?)",
     1},
    // A missing key has no line of its own: the message points at the table that lacks it.
    {"missing_required_key.toml", 4, "missing required key 'waves.late.joined_from'", 1},
    {"over_agent_cap.toml", 5, "MB of memory", 1},
    {"missing_include.toml", 2, "no_such_base.toml' does not exist", 1},
    // Rulebooks.
    {"rules_threshold_zero.toml", 5, "'rules.mp_nominations.threshold' is 0, expected a number in (0, 1]", 1},
    {"rules_threshold_above_mps.toml", 4, "'rules.mp_nominations.threshold_count' is 500 but there are only", 1},
    {"rules_college_sum.toml", 5, "'rules.final_ballot.college': weights sum to 0.8, expected 1", 1},
    {"rules_unknown_stage.toml", 5, "unknown stage \"final_balot\"", 2},
    {"rules_stage_order.toml", 6, "clp_nominations must come before it", 2},
    {"rules_final_not_last.toml", 5, "final_ballot must be the last stage", 1},
    // Hostile input (issue 15): nesting bounded before toml++ sees the text, includes that come
    // back to themselves or name a device, NaN and infinities, a wrapping year, an id that would
    // break the CSV headers.
    {"deep_dotted_key.toml", 5, "nests more than 64 levels deep", 1},
    {"deep_table_header.toml", 4, "nests more than 64 levels deep", 1},
    {"deep_inline_tables.toml", 5, "nests more than 64 levels deep", 1},
    {"include_cycle.toml", 2, "include cycle: '", 2},
    {"include_device.toml", 2, "included file '/dev/zero' is a device, not a file", 1},
    {"nan_position.toml", 5, "'candidates.left.position[0]' should be a number in [-5, 5]: it must be a finite number", 1},
    {"nan_share.toml", 5, "'waves.new.factions.radical' should be a share in [0, 1], got nan: it must be a finite number", 2},
    {"inf_number.toml", 5, "'factions.radical.mobilisation' is inf, expected a finite number in [0, 20]", 1},
    {"date_year_wraps.toml", 5, "expected a date YYYY-MM-DD (a year from 1000 to 9999), got '67552-09-01'", 1},
    {"bad_id.toml", 5, "the id \"x,\\\"y\" in 'candidates' holds a character other than a letter", 1},
};

class BrokenScenario : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenScenario, IsRejectedWithMessageAtTheOffendingLine) {
  const BrokenCase& c = GetParam();
  const std::string path = broken(c.file);
  ASSERT_TRUE(fs::exists(path)) << path;
  const std::vector<Diagnostic> d = diagnostics_of(path);
  const Diagnostic* hit = find_message(d, c.phrase);
  ASSERT_NE(hit, nullptr) << "no message containing \"" << c.phrase << "\"; got:\n" << dump(d);
  EXPECT_EQ(hit->file, path) << dump(d);
  EXPECT_EQ(hit->line, c.line) << dump(d);
  EXPECT_GT(hit->column, 0) << dump(d);
  EXPECT_EQ(d.size(), c.count) << dump(d);
}

INSTANTIATE_TEST_SUITE_P(AllClasses, BrokenScenario, ::testing::ValuesIn(kBrokenCases),
                         [](const ::testing::TestParamInfo<BrokenCase>& p) {
                           std::string n = fs::path(p.param.file).stem().string();
                           n.erase(std::remove(n.begin(), n.end(), '_'), n.end());
                           return n;
                         });

// A new file in tests/broken/ must get an expectation here (or in the CLI tests it would only be
// checked for exit code 2).
TEST(BrokenScenarioFiles, EveryFileHasAnExpectation) {
  std::set<std::string> expected = {"many_problems.toml"};
  for (const auto& c : kBrokenCases) expected.insert(c.file);
  std::set<std::string> present;
  for (const auto& e : fs::directory_iterator(kSourceDir + "/tests/broken"))
    if (e.path().extension() == ".toml") present.insert(e.path().filename().string());
  EXPECT_EQ(present, expected);
}

TEST(BrokenScenarioFiles, ManyProblemsFileReportsEveryProblem) {
  const std::string path = broken("many_problems.toml");
  const std::vector<Diagnostic> d = diagnostics_of(path);
  EXPECT_GE(d.size(), 3u) << dump(d);
  const std::pair<const char*, int> problems[] = {
      {"did you mean 'attendance'", 5},
      {"'meetings.chair_bias' is 2, expected", 6},
      {"'meetings.persuasion' is \"magic\"", 7},
      {"'waves.new.size' is -1, expected", 10},
  };
  for (const auto& [phrase, line] : problems) {
    const Diagnostic* hit = find_message(d, phrase);
    ASSERT_NE(hit, nullptr) << "missing \"" << phrase << "\" in:\n" << dump(d);
    EXPECT_EQ(hit->file, path) << phrase;
    EXPECT_EQ(hit->line, line) << phrase;
  }
}

// "magic" is nowhere near an option: listing the options is right, guessing one is not.
TEST(BrokenScenarioFiles, FarOffEnumValueGetsNoSuggestion) {
  const std::vector<Diagnostic> d = diagnostics_of(broken("unknown_enum.toml"));
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_EQ(d[0].message.find("did you mean"), std::string::npos) << dump(d);
}

// 24,000 agents need about 1.5 MB: "about 0.0 GB" tells the user nothing.
TEST(BrokenScenarioFiles, AgentCapMessageGivesANonZeroMemoryEstimate) {
  const std::vector<Diagnostic> d = diagnostics_of(broken("over_agent_cap.toml"));
  const Diagnostic* hit = find_message(d, "24000 agents");
  ASSERT_NE(hit, nullptr) << dump(d);
  EXPECT_NE(hit->message.find("max_agents = 1000"), std::string::npos) << hit->message;
  EXPECT_EQ(hit->message.find(" 0.0 GB"), std::string::npos) << hit->message;
}

TEST(Diagnostics, StrIsFileLineColumnErrorMessage) {
  EXPECT_EQ((Diagnostic{"a.toml", 3, 7, "bad"}).str(), "a.toml:3:7: error: bad");
  EXPECT_EQ((Diagnostic{"--set", 0, 0, "bad"}).str(), "--set: error: bad");
}

TEST(Diagnostics, InputErrorWhatListsEveryDiagnostic) {
  const InputError e({{"a.toml", 1, 2, "first"}, {"a.toml", 3, 4, "second"}});
  EXPECT_STREQ(e.what(), "a.toml:1:2: error: first\na.toml:3:4: error: second\n");
  EXPECT_EQ(e.diagnostics().size(), 2u);
}

TEST(LoadScenario, MissingFileIsAnInputError) {
  const std::string path = broken("does_not_exist.toml");
  const std::vector<Diagnostic> d = diagnostics_of(path);
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_EQ(d[0].file, path);
  EXPECT_NE(d[0].message.find("cannot open"), std::string::npos) << dump(d);
}

// ---------------------------------------------------------------------------------------------
// The example scenarios.

TEST(ToyScenario, LoadsIntoTheTypedStruct) {
  const Scenario s = load_scenario(kToy);
  EXPECT_EQ(s.name, "Toy contest");
  EXPECT_EQ(s.file, kToy);
  EXPECT_EQ(s.dims, 2);
  EXPECT_EQ(s.ballot_day, leadsim::parse_day("2020-09-01"));
  ASSERT_EQ(s.candidates.size(), 2u);
  EXPECT_EQ(s.candidates[0].id, "left");
  EXPECT_EQ(s.candidates[0].name, "Left Candidate");
  EXPECT_TRUE(s.candidates[0].incumbent);
  EXPECT_DOUBLE_EQ(s.candidates[0].position[0], -0.8);
  EXPECT_EQ(s.candidates[1].id, "right");
  EXPECT_DOUBLE_EQ(s.candidates[1].electability, 0.7);
  EXPECT_EQ(s.agents(), 24000);
  EXPECT_DOUBLE_EQ(s.meetings.attendance, 0.06);
  EXPECT_EQ(s.meetings.speakers, 4);
  EXPECT_DOUBLE_EQ(s.meetings.chair_bias, 0.0);  // not in the file: the default
  EXPECT_EQ(s.eligibility.ruling, leadsim::FreezeRuling::upheld);
  ASSERT_EQ(s.affiliates.size(), 1u);
  EXPECT_EQ(s.affiliates[0].method, leadsim::AffiliateMethod::consultation);
  EXPECT_TRUE(s.included_files.empty());
}

TEST(ToyScenario, HasTwentyGeneratedClpsNamedInOrder) {
  const Scenario s = load_scenario(kToy);
  ASSERT_EQ(s.clps.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(s.clps[size_t(i)].name, "CLP " + std::to_string(i + 1));
    EXPECT_EQ(s.clp_index("CLP " + std::to_string(i + 1)), i);
  }
  EXPECT_EQ(s.clp_index("CLP 21"), -1);
}

// Entries of keyed tables keep file order (outputs list them that way; toml++ itself iterates
// alphabetically, which would put "moderate" before "radical" and "new" before "old").
TEST(ToyScenario, KeyedTablesKeepFileOrder) {
  const Scenario s = load_scenario(kToy);
  std::vector<std::string> factions, waves;
  for (const auto& f : s.factions) factions.push_back(f.id);
  for (const auto& w : s.waves) waves.push_back(w.id);
  EXPECT_EQ(factions, (std::vector<std::string>{"radical", "moderate"}));
  EXPECT_EQ(waves, (std::vector<std::string>{"old", "new", "supporters", "unions"}));
}

TEST(ToyScenario, WaveFactionMixFollowsFactionOrder) {
  const Scenario s = load_scenario(kToy);
  const int radical = [&] {
    for (size_t i = 0; i < s.factions.size(); ++i)
      if (s.factions[i].id == "radical") return int(i);
    return -1;
  }();
  ASSERT_GE(radical, 0);
  for (const auto& w : s.waves) {
    if (w.id == "new") {
      EXPECT_DOUBLE_EQ(w.faction_mix[size_t(radical)], 0.8);
    }
  }
}

TEST(ToyScenario, Sha256IsOfTheFileBytes) {
  const Scenario s = load_scenario(kToy);
  EXPECT_EQ(s.sha256, leadsim::sha256_hex(read_file(kToy)));
}

TEST(Labour2016Scenario, LoadsIntoTheTypedStruct) {
  const Scenario s = load_scenario(kLabour);
  EXPECT_EQ(s.clps.size(), 632u);
  ASSERT_EQ(s.candidates.size(), 2u);
  EXPECT_EQ(s.candidates[0].id, "corbyn");
  EXPECT_EQ(s.candidates[1].id, "smith");
  EXPECT_TRUE(s.candidates[0].incumbent);
  EXPECT_DOUBLE_EQ(s.rules.mp_nominations.threshold, 0.2);
  EXPECT_EQ(s.mps.meps, 20);
  // support = { smith = 0.70, corbyn = 0.17, none = 0.13 }, stored by candidate, then none.
  ASSERT_EQ(s.mps.support.size(), 3u);
  EXPECT_DOUBLE_EQ(s.mps.support[0], 0.17);
  EXPECT_DOUBLE_EQ(s.mps.support[1], 0.70);
  EXPECT_DOUBLE_EQ(s.mps.support[2], 0.13);
  EXPECT_EQ(s.agents(), 201293 + 105000 + 87000 + 160000 + 183541 + 180000);
  EXPECT_EQ(s.eligibility.member_ballot_freeze, leadsim::parse_day("2016-01-12"));
  EXPECT_GE(s.clp_index("Islington North"), 0);
  EXPECT_NE(std::find(s.regions.begin(), s.regions.end(), "London"), s.regions.end());
}

TEST(Labour2016Scenario, KeyedTablesKeepFileOrder) {
  const Scenario s = load_scenario(kLabour);
  std::vector<std::string> factions, waves, affiliates;
  for (const auto& f : s.factions) factions.push_back(f.id);
  for (const auto& w : s.waves) waves.push_back(w.id);
  for (const auto& a : s.affiliates) affiliates.push_back(a.id);
  EXPECT_EQ(factions, (std::vector<std::string>{"momentum", "left", "soft_left", "moderate"}));
  EXPECT_EQ(waves, (std::vector<std::string>{"pre2015", "surge2015", "autumn2015", "after_freeze",
                                             "registered", "affiliated"}));
  EXPECT_EQ(affiliates,
            (std::vector<std::string>{"unite", "unison", "gmb", "usdaw", "cwu", "others"}));
}

TEST(Labour2016Scenario, LocalMpEndorsementsIncludingAbstention) {
  const Scenario s = load_scenario(kLabour);
  std::map<std::string, int> by_clp;
  for (const auto& [clp, cand] : s.mps.endorsements) by_clp[s.clps[size_t(clp)].name] = cand;
  EXPECT_EQ(by_clp.size(), 3u);
  EXPECT_EQ(by_clp["Islington North"], s.candidate_index("corbyn"));
  EXPECT_EQ(by_clp["Holborn and St Pancras"], s.candidate_index("smith"));
  EXPECT_EQ(by_clp["Hampstead and Kilburn"], -1);  // "none": a known abstention
}

// The base file's values hold unless the including file sets them; the manifest lists the base.
TEST(Includes, IncludingFileOverridesTheBase) {
  TempDir dir;
  const std::string path = dir.write("derived.toml", "include = \"" + kToy +
                                                         "\"\n\n[meetings]\nchair_bias = 0.25\n");
  const Scenario s = load_scenario(path);
  EXPECT_DOUBLE_EQ(s.meetings.chair_bias, 0.25);
  EXPECT_DOUBLE_EQ(s.meetings.attendance, 0.06);  // from toy.toml
  ASSERT_EQ(s.included_files.size(), 1u);
  EXPECT_EQ(s.included_files[0].first, kToy);
  // Each file is fingerprinted: the main one and the base it includes.
  EXPECT_EQ(s.included_files[0].second, leadsim::sha256_hex(read_file(kToy)));
  EXPECT_EQ(s.sha256, leadsim::sha256_hex(read_file(path)));
}

// ---------------------------------------------------------------------------------------------
// --set overrides.

TEST(Overrides, ChangeTheValueInForce) {
  const Scenario s = load_scenario(kToy, {"meetings.chair_bias=0.5", "meetings.speakers=8"});
  EXPECT_DOUBLE_EQ(s.meetings.chair_bias, 0.5);
  EXPECT_EQ(s.meetings.speakers, 8);
  EXPECT_EQ(resolved_value(s, "meetings.chair_bias"), "0.5");
  EXPECT_EQ(resolved_value(s, "meetings.speakers"), "8");
}

TEST(Overrides, ReplaceAValueTheFileSets) {
  const Scenario s = load_scenario(kToy, {"meetings.attendance = 0.1", "candidates.left.valence=0.3"});
  EXPECT_DOUBLE_EQ(s.meetings.attendance, 0.1);
  EXPECT_DOUBLE_EQ(s.candidates[size_t(s.candidate_index("left"))].valence, 0.3);
}

TEST(Overrides, BareWordBecomesAString) {
  const Scenario plain = load_scenario(kToy);
  EXPECT_EQ(plain.eligibility.ruling, leadsim::FreezeRuling::upheld);
  const Scenario s = load_scenario(kToy, {"eligibility.freeze_ruling=overturned"});
  EXPECT_EQ(s.eligibility.ruling, leadsim::FreezeRuling::overturned);
  EXPECT_EQ(resolved_value(s, "eligibility.freeze_ruling"), "\"overturned\"");
}

TEST(Overrides, DateValue) {
  const Scenario s = load_scenario(kToy, {"contest.ballot_date=2020-10-01"});
  EXPECT_EQ(s.ballot_day, leadsim::parse_day("2020-10-01"));
}

TEST(Overrides, UnknownPathIsAnErrorNamingThePath) {
  const std::vector<Diagnostic> d = diagnostics_of(kToy, {"meetings.chair_biass=0.5"});
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_NE(d[0].message.find("meetings.chair_biass"), std::string::npos) << dump(d);
  EXPECT_NE(d[0].message.find("did you mean 'chair_bias'"), std::string::npos) << dump(d);
}

TEST(Overrides, UnknownTableIsAnErrorNamingIt) {
  const std::vector<Diagnostic> d = diagnostics_of(kToy, {"meeting.chair_bias=0.5"});
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_NE(d[0].message.find("'meeting"), std::string::npos) << dump(d);
}

TEST(Overrides, OutOfRangeValueIsChecked) {
  const std::vector<Diagnostic> d = diagnostics_of(kToy, {"meetings.chair_bias=2"});
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_NE(d[0].message.find("'meetings.chair_bias' is 2, expected"), std::string::npos) << dump(d);
}

// Diagnostic::file is documented as "--set" for command-line overrides: a problem in an override
// must not be blamed on a file (or on an anonymous "<input>").
TEST(Overrides, ProblemsAreAttributedToSet) {
  for (const char* o : {"meetings.chair_biass=0.5", "meetings.chair_bias=2", "meetings.chair_bias",
                        "meetings.persuasion=magic"}) {
    const std::vector<Diagnostic> d = diagnostics_of(kToy, {o});
    ASSERT_FALSE(d.empty()) << o;
    EXPECT_EQ(d[0].file.rfind("--set", 0), 0u) << o << ":\n" << dump(d);
  }
}

TEST(Overrides, MissingEqualsSignIsAnError) {
  const std::vector<Diagnostic> d = diagnostics_of(kToy, {"meetings.chair_bias"});
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_NE(d[0].message.find("should be path=value"), std::string::npos) << dump(d);
}

TEST(Overrides, PathThroughAValueIsAnError) {
  const std::vector<Diagnostic> d = diagnostics_of(kToy, {"contest.name.x=3"});
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_NE(d[0].message.find("is a value, not a table"), std::string::npos) << dump(d);
}

// A path into an entry of a keyed table names an entry the scenario has: a mistyped id used to
// make a new entry silently (factions.lefty.x, exit 0 when its keys had defaults) or end in
// missing keys blamed on "<input>". The message names the override and the ids there are.
TEST(Overrides, PathIntoAnEntryTheScenarioLacksIsAnErrorNamingItsIds) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"factions.lefty.mobilisation=2",
       "no faction 'lefty' in the scenario (its factions: radical, moderate); to add one, give it "
       "whole: factions.lefty={ ... }"},
      {"candidates.centre.valence=0.1",
       "no candidate 'centre' in the scenario (its candidates: left, right); to add one, give it "
       "whole: candidates.centre={ ... }"},
      {"affiliates.other.share=0",
       "no affiliate 'other' in the scenario (its affiliates: union); to add one, give it whole: "
       "affiliates.other={ ... }"},
      {"waves.neww.size=2",
       "no wave 'neww' in the scenario (its waves: old, new, supporters, unions); to add one, give "
       "it whole: waves.neww={ ... }"},
      // Deeper paths too, and a key that is no field: the id is what is wrong.
      {"waves.neww.factions.radical=1", "no wave 'neww' in the scenario"},
      {"factions.lefty.x=0.1", "no faction 'lefty' in the scenario"},
  };
  for (const auto& [o, message] : cases) {
    const std::vector<Diagnostic> d = diagnostics_of(kToy, {o});
    ASSERT_EQ(d.size(), 1u) << o << "\n" << dump(d);
    EXPECT_EQ(d[0].file, "--set " + o.substr(0, o.find('='))) << dump(d);
    EXPECT_EQ(d[0].line, 0) << dump(d);
    EXPECT_EQ(d[0].message.substr(0, message.size()), message) << dump(d);
  }
  // An override of an entry the scenario has is untouched by the check.
  EXPECT_DOUBLE_EQ(load_scenario(kToy, {"factions.radical.mobilisation=2"}).factions[0].mobilisation, 2);
}

TEST(Overrides, TheIdsAreListedInFileOrderIncludesFirst) {
  // toml++ keeps a table's keys sorted; the message lists them as the scenario reads them.
  TempDir dir;
  const std::string path = dir.write("variant.toml", "include = \"" + kToy + "\"\n"
                                     "[waves.aaa]\nsize = 10\njoined_from = 2019-01-01\n"
                                     "joined_to = 2019-02-01\nfactions = { radical = 1.0 }\n");
  const std::vector<Diagnostic> d = diagnostics_of(path, {"waves.zzz.size=3"});
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_NE(d[0].message.find("(its waves: old, new, supporters, unions, aaa)"), std::string::npos)
      << dump(d);
}

// Adding an entry stays possible, on purpose: given whole, as one table value; paths into it
// work after that, as for any entry.
TEST(Overrides, AnEntryGivenWholeIsAdded) {
  const Scenario s = load_scenario(
      kToy, {"candidates.centre={ name = \"Centre\", position = [0.0, 0.0] }",
             "candidates.centre.valence=0.2",
             "mps.support={ left = 0.3, right = 0.4, centre = 0.3 }"});
  ASSERT_EQ(s.candidates.size(), 3u);
  const int c = s.candidate_index("centre");
  ASSERT_GE(c, 0);
  EXPECT_EQ(s.candidates[size_t(c)].name, "Centre");
  EXPECT_DOUBLE_EQ(s.candidates[size_t(c)].valence, 0.2);
  // An entry given whole is read and checked like one in the file.
  const std::vector<Diagnostic> d = diagnostics_of(kToy, {"waves.extra={ size = 10 }"});
  EXPECT_NE(find_message(d, "missing required key 'waves.extra.joined_from'"), nullptr) << dump(d);
}

// ---------------------------------------------------------------------------------------------
// Key documentation and the resolved parameter list.

const leadsim::Field* find_key(const std::vector<leadsim::Field>& keys, const std::string& path) {
  for (const auto& k : keys)
    if (k.path == path) return &k;
  return nullptr;
}

TEST(ScenarioKeys, DocumentMeetingAndCandidateKeys) {
  const auto& keys = leadsim::scenario_fields();
  for (const char* path : {"meetings.chair_bias", "candidates.<id>.valence", "waves.<id>.joined_from",
                           "population.max_agents", "mps.support"}) {
    const leadsim::Field* k = find_key(keys, path);
    ASSERT_NE(k, nullptr) << path;
    EXPECT_FALSE(k->meaning.empty()) << path;
    EXPECT_FALSE(k->type().empty()) << path;
  }
  EXPECT_EQ(find_key(keys, "waves.<id>.joined_from")->def, "required");
  EXPECT_EQ(find_key(keys, "meetings.chair_bias")->def, "0");
}

TEST(ScenarioKeys, EveryKeyIsDocumentedOnceWithAMeaning) {
  std::set<std::string> seen;
  for (const auto& k : leadsim::scenario_fields()) {
    EXPECT_TRUE(seen.insert(k.path).second) << "documented twice: " << k.path;
    EXPECT_FALSE(k.meaning.empty()) << k.path;
    EXPECT_FALSE(k.def.empty()) << k.path;
  }
}

// Every field has a label, which the visualiser shows on its widget (with the unit) instead of
// the raw key ("meet"): a few words in sentence case, told apart from the other fields the
// visualiser lists under the same heading (the path's first part: "rules" holds the MPs' ballot
// and the final ballot alike). Scalar fields (sliders, a sweep's axis) and the rest alike.
TEST(ScenarioKeys, EveryFieldHasAShortDistinctLabel) {
  std::map<std::string, std::string> used;  // heading + label -> path
  for (const auto& k : leadsim::scenario_fields()) {
    const std::string& l = k.label;
    ASSERT_FALSE(l.empty()) << k.path << (k.scalar() ? " (scalar)" : "")
                            << " has no label: give its row in scenario_fields.cpp a .label";
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(l[0]))) << k.path << ": '" << l << "'";
    EXPECT_LE(l.size(), 40u) << k.path << ": '" << l << "' is more than a few words";
    EXPECT_LE(std::count(l.begin(), l.end(), ' '), 5) << k.path << ": '" << l << "'";
    EXPECT_NE(l.back(), '.') << k.path << ": a label, not a sentence";
    EXPECT_NE(l, k.path.substr(k.path.rfind('.') + 1)) << k.path << ": the raw key is no label";
    const std::string heading = k.path.substr(0, k.path.find('.'));
    const auto [it, fresh] = used.emplace(heading + "|" + l, k.path);
    EXPECT_TRUE(fresh) << "'" << l << "' labels both " << it->second << " and " << k.path;
  }
  EXPECT_EQ(leadsim::find_field("meetings.meet")->label, "Meetings held");
  EXPECT_EQ(leadsim::find_field("waves.old.size")->label, "Cohort size");
}

// The manifest must hold every parameter in force: each documented key (per entry of keyed
// tables) is resolved, either itself or, for a table-valued key, entry by entry.
TEST(ResolvedParameters, ContainEveryDocumentedKeyForToy) {
  const Scenario s = load_scenario(kToy);
  std::map<std::string, std::vector<std::string>> ids;
  for (const auto& c : s.candidates) ids["candidates"].push_back(c.id);
  for (const auto& f : s.factions) ids["factions"].push_back(f.id);
  for (const auto& w : s.waves) ids["waves"].push_back(w.id);
  for (const auto& a : s.affiliates) ids["affiliates"].push_back(a.id);
  auto resolved = [&](const std::string& path) {
    return std::any_of(s.resolved.begin(), s.resolved.end(), [&](const auto& p) {
      return p.path == path || p.path.rfind(path + ".", 0) == 0;
    });
  };
  std::vector<std::string> missing;
  for (const auto& k : leadsim::scenario_fields()) {
    const auto at = k.path.find("<id>");
    if (at == std::string::npos) {
      if (!resolved(k.path)) missing.push_back(k.path);
      continue;
    }
    const std::string table = k.path.substr(0, k.path.find('.'));
    ASSERT_FALSE(ids[table].empty()) << k.path;
    for (const auto& id : ids[table]) {
      std::string p = k.path;
      p.replace(at, 4, id);
      if (!resolved(p)) missing.push_back(p);
    }
  }
  std::string list;
  for (const auto& m : missing) list += "  " + m + "\n";
  EXPECT_TRUE(missing.empty()) << "documented but not in the resolved parameters:\n" << list;
}

TEST(ResolvedParameters, AreUniquePaths) {
  const Scenario s = load_scenario(kLabour);
  std::set<std::string> seen;
  for (const auto& p : s.resolved) EXPECT_TRUE(seen.insert(p.path).second) << p.path;
}

// ---------------------------------------------------------------------------------------------
// check_scenario(): the loader's checks for a Scenario built or changed in code.

std::string messages(const std::vector<leadsim::Diagnostic>& d) {
  std::string out;
  for (const auto& x : d) out += x.message + "\n";
  return out;
}

TEST(CheckScenario, EveryShippedScenarioPasses) {
  for (const auto& e : std::filesystem::directory_iterator(kSourceDir + "/scenarios")) {
    if (e.path().extension() != ".toml") continue;
    const Scenario s = load_scenario(e.path().string());
    EXPECT_EQ(messages(leadsim::check_scenario(s)), "") << e.path();
  }
}

// A value out of its domain set in code gets the message the file would have got, located where
// the file wrote the key.
TEST(CheckScenario, AValueSetInCodeGetsTheLoadersMessage) {
  Scenario s = load_scenario(kToy);
  s.meetings.chair_bias = 2;
  const auto d = leadsim::check_scenario(s);
  ASSERT_EQ(d.size(), 1u) << messages(d);
  EXPECT_EQ(d[0].message, "'meetings.chair_bias' is 2, expected a number in [0, 1] (probability)");
  EXPECT_EQ(d[0].file, kToy);

  s = load_scenario(kToy);
  s.waves[0].contactable = std::nan("");  // NaN is in no range
  EXPECT_NE(messages(leadsim::check_scenario(s)).find("contactable' is nan"), std::string::npos);

  s = load_scenario(kToy);
  s.waves[0].faction_mix[0] += 0.5;
  EXPECT_NE(messages(leadsim::check_scenario(s)).find("shares sum to"), std::string::npos);
}

TEST(CheckScenario, ValuesTogether) {
  Scenario s = load_scenario(kToy);
  s.waves[0].joined_to = s.waves[0].joined_from - 1;
  EXPECT_NE(messages(leadsim::check_scenario(s)).find("is before joined_from"), std::string::npos);

  s = load_scenario(kToy);
  s.rules.stages.pop_back();  // no final ballot
  EXPECT_NE(messages(leadsim::check_scenario(s)).find("has no final_ballot"), std::string::npos);

  s = load_scenario(kToy);
  s.candidates.clear();
  EXPECT_NE(messages(leadsim::check_scenario(s)).find("no candidates"), std::string::npos);
}

// The field table's defaults are the structs' own initialisers, and every key it lists is read.
TEST(FieldTable, DefaultsAreTheMembersInitialisers) {
  EXPECT_EQ(leadsim::find_field("meetings.attendance")->def,
            fmt::format("{}", leadsim::MeetingRules{}.attendance));
  EXPECT_EQ(leadsim::find_field("waves.x.contactable")->def, fmt::format("{}", leadsim::Wave{}.contactable));
  EXPECT_EQ(leadsim::find_field("waves.x.contactable")->path, "waves.<id>.contactable");
  EXPECT_EQ(leadsim::find_field("rules.final_ballot.method")->def, "\"alternative_vote\"");
  EXPECT_EQ(leadsim::find_field("no.such.key"), nullptr);
  EXPECT_TRUE(leadsim::find_field("waves.x.size")->affects & leadsim::affects_population);
  EXPECT_FALSE(leadsim::find_field("meetings.chair_bias")->affects & leadsim::affects_population);
}

}  // namespace
