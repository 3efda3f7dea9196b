// Tests of the visualiser's parameter editing (viz/params.hpp, viz/edit.hpp): how parameters are
// described for their widgets, TOML values in and out, share tables, overrides, refusals, which
// parameters change the population, and "save as" files that leadsim loads.
#include <gtest/gtest.h>

#include <cstdlib>

#include "edit.hpp"
#include "leadsim/population.hpp"
#include "params.hpp"
#include "support.hpp"

using namespace leadsim;
using namespace leadsim::viz;
using leadsim::test::scenario_path;

namespace {

ParamSpec spec_of(const std::string& path) { return describe(path); }

}  // namespace

TEST(VizParams, DescribeGivesEachParameterItsWidget) {
  const ParamSpec bias = spec_of("meetings.chair_bias");
  EXPECT_EQ(bias.kind, WidgetKind::probability);
  EXPECT_EQ(bias.lo, 0);
  EXPECT_EQ(bias.hi, 1);
  EXPECT_EQ(bias.unit, "probability");
  EXPECT_FALSE(bias.meaning.empty());

  const ParamSpec size = spec_of("waves.old.size");
  EXPECT_EQ(size.kind, WidgetKind::integer);
  EXPECT_EQ(size.key, "waves.<id>.size");
  EXPECT_EQ(size.section, "waves");
  EXPECT_EQ(size.entity, "old");
  EXPECT_EQ(size.name, "size");
  EXPECT_EQ(size.unit, "people");

  const ParamSpec ruling = spec_of("eligibility.freeze_ruling");
  EXPECT_EQ(ruling.kind, WidgetKind::choice);
  EXPECT_EQ(ruling.choices, (std::vector<std::string>{"upheld", "overturned"}));

  EXPECT_EQ(spec_of("candidates.left.position").kind, WidgetKind::position);
  EXPECT_EQ(spec_of("candidates.left.position").lo, -5);
  EXPECT_EQ(spec_of("waves.old.factions").kind, WidgetKind::shares);
  EXPECT_EQ(spec_of("mps.support").kind, WidgetKind::shares);
  EXPECT_EQ(spec_of("eligibility.member_ballot_freeze").kind, WidgetKind::date);
  EXPECT_EQ(spec_of("waves.old.organised").kind, WidgetKind::boolean);
  EXPECT_EQ(spec_of("clps.region_weight").kind, WidgetKind::text);
  EXPECT_EQ(spec_of("ballot.turnout.member").kind, WidgetKind::probability);
  const ParamSpec odds = spec_of("registration.hostile_odds_ratio");
  EXPECT_EQ(odds.kind, WidgetKind::number);
  EXPECT_TRUE(odds.logarithmic);
  const ParamSpec scale = spec_of("meetings.undecided_scale");  // "number (0, 10]"
  EXPECT_TRUE(scale.lo_open);
  EXPECT_FALSE(scale.hi_open);
  EXPECT_EQ(scale.hi, 10);
}

// A widget is labelled for a person, from the field table: its label with the unit; the raw
// key ("meet") only for a path the table does not know.
TEST(VizParams, WidgetsAreLabelledWithTheFieldsLabelAndUnit) {
  EXPECT_EQ(widget_label(spec_of("meetings.meet")), "Meetings held (probability)");
  EXPECT_EQ(widget_label(spec_of("meetings.care")), "Care about the gap (per utility unit)");
  EXPECT_EQ(widget_label(spec_of("waves.old.size")), "Cohort size (people)");
  EXPECT_EQ(qualified_label(spec_of("waves.old.size")), "old: Cohort size (people)");
  EXPECT_EQ(qualified_label(spec_of("meetings.care")), "Care about the gap (per utility unit)");
  // A date's widget is a date, a name's a name: no unit to add.
  EXPECT_EQ(widget_label(spec_of("eligibility.member_ballot_freeze")), "Ballot freeze date");
  EXPECT_EQ(widget_label(spec_of("waves.old.name")), "Name");
  // Nor where the label says it already.
  EXPECT_EQ(widget_label(spec_of("meetings.speakers")), "Speeches");
  EXPECT_EQ(widget_label(spec_of("mps.count")), "MPs");
  const ParamSpec unknown = spec_of("meetings.no_such_key");
  EXPECT_FALSE(unknown.documented);
  EXPECT_EQ(widget_label(unknown), "no_such_key");
}

// Every parameter the visualiser shows for the shipped scenarios gets its field's label (a
// field without one would show its raw key; test_scenario's EveryFieldHasAShortDistinctLabel
// checks the table itself).
TEST(VizParams, EveryParameterOfTheScenariosHasItsLabel) {
  for (const char* name : {"toy.toml", "labour-2016-entryism.toml", "labour-2010.toml",
                           "conservative-2019.toml"}) {
    const Scenario s = load_scenario(scenario_path(name));
    for (const auto& r : s.resolved) {
      const ParamSpec p = spec_of(r.path);
      ASSERT_TRUE(p.documented) << name << ": " << r.path;
      EXPECT_FALSE(p.label.empty()) << name << ": " << r.path;
      EXPECT_EQ(p.label, find_field(r.path)->label) << name << ": " << r.path;
    }
  }
}

TEST(VizParams, EveryParameterOfTheScenariosIsDocumented) {
  for (const char* name : {"toy.toml", "labour-2016-entryism.toml"}) {
    const Scenario s = load_scenario(scenario_path(name));
    for (const auto& r : s.resolved)
      EXPECT_TRUE(spec_of(r.path).documented) << name << ": " << r.path;
  }
}

TEST(VizParams, TomlValuesInAndOut) {
  EXPECT_EQ(toml_number(0.35), "0.35");
  // The library's printer (toml_text.hpp): shortest text that reads back as the same double.
  EXPECT_EQ(toml_number(2), "2");
  EXPECT_EQ(parse_number(toml_number(0.1 + 0.2)), 0.1 + 0.2);
  EXPECT_EQ(parse_number(toml_number(1e-6)), 1e-6);
  EXPECT_EQ(parse_number("1e-06"), 1e-6);
  EXPECT_EQ(parse_number("12"), 12);
  EXPECT_EQ(parse_number("\"x\""), std::nullopt);
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_string("\"upheld\""), "upheld");
  EXPECT_EQ(parse_numbers("[-0.8, 0]"), (std::vector<double>{-0.8, 0}));
  EXPECT_EQ(toml_numbers({-0.8, 0}), "[-0.8, 0]");
  EXPECT_EQ(toml_string("a \"b\""), "\"a \\\"b\\\"\"");
  EXPECT_EQ(toml_key("soft_left"), "soft_left");
  EXPECT_EQ(toml_key("Hampstead and Kilburn"), "\"Hampstead and Kilburn\"");
  EXPECT_EQ(normalise_value("overturned"), "\"overturned\"");  // a bare word is a string
  EXPECT_EQ(normalise_value(" 0.5 "), "0.5");
  EXPECT_EQ(normalise_value("2016-01-12"), "2016-01-12");
}

TEST(VizParams, SharesKeepFileOrderAndSumToOne) {
  const auto s =
      parse_shares("{ soft_left = 0.2, left = 0.224, momentum = 0.01, moderate = 0.566 }");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->size(), 4u);
  EXPECT_EQ((*s)[0].first, "soft_left");
  EXPECT_EQ((*s)[1].first, "left");
  EXPECT_EQ((*s)[3].first, "moderate");

  const Shares r = rebalance_shares(*s, 3, 0.7);
  double sum = 0;
  for (const auto& [k, v] : r) sum += v;
  EXPECT_NEAR(sum, 1, 1e-12);
  EXPECT_DOUBLE_EQ(r[3].second, 0.7);
  EXPECT_NEAR(r[0].second / r[1].second, 0.2 / 0.224, 1e-12);  // others keep their proportions

  const Shares z = rebalance_shares({{"a", 1}, {"b", 0}, {"c", 0}}, 0, 0.4);
  EXPECT_DOUBLE_EQ(z[1].second, 0.3);
  EXPECT_DOUBLE_EQ(z[2].second, 0.3);

  // Thirds cannot be written exactly: the remainder goes to the largest, and the sum is 1.
  EXPECT_EQ(toml_shares({{"a", 1.0 / 3}, {"b", 1.0 / 3}, {"c", 1.0 / 3}}),
            "{ a = 0.333334, b = 0.333333, c = 0.333333 }");
  EXPECT_EQ(toml_shares({{"left", 0.3}, {"none", 0.7}}), "{ left = 0.3, none = 0.7 }");
}

TEST(VizParams, OverridesHaveOneEntryPerPath) {
  std::vector<std::string> o;
  o = set_override(o, "meetings.chair_bias", "0.5");
  o = set_override(o, "meetings.attendance", "0.1");
  o = set_override(o, "meetings.chair_bias", "0.25");
  EXPECT_EQ(o, (std::vector<std::string>{"meetings.chair_bias=0.25", "meetings.attendance=0.1"}));
  EXPECT_EQ(find_override(o, "meetings.attendance"), "0.1");
  EXPECT_EQ(find_override(o, "meetings.quorum"), std::nullopt);
  o = remove_override(o, "meetings.chair_bias");
  EXPECT_EQ(o, (std::vector<std::string>{"meetings.attendance=0.1"}));
  EXPECT_EQ(override_path(" a.b = c "), "a.b");
  EXPECT_EQ(override_value(" a.b = c "), "c");
}

TEST(VizParams, AnEditIsAcceptedOrRefusedWithTheLoadersReason) {
  EditSession e;
  e.open(scenario_path("toy.toml"));
  const auto v0 = e.version();
  const auto before = e.scenario();
  EXPECT_TRUE(e.set("meetings.chair_bias", "0.5"));
  EXPECT_EQ(e.scenario()->meetings.chair_bias, 0.5);
  EXPECT_GT(e.version(), v0);
  EXPECT_TRUE(e.is_overridden("meetings.chair_bias"));
  EXPECT_EQ(before->meetings.chair_bias, 0);  // the old scenario object is untouched

  const auto v1 = e.version();
  EXPECT_FALSE(e.set("meetings.chair_bias", "2.0"));
  EXPECT_EQ(e.version(), v1);  // refused: nothing changed
  EXPECT_EQ(e.scenario()->meetings.chair_bias, 0.5);
  ASSERT_NE(e.refusal("meetings.chair_bias"), nullptr);
  EXPECT_NE(e.refusal("meetings.chair_bias")->front().find("[0, 1]"), std::string::npos)
      << e.refusal("meetings.chair_bias")->front();
  EXPECT_TRUE(e.set("meetings.chair_bias", "0.25"));  // a good value clears the refusal
  EXPECT_EQ(e.refusal("meetings.chair_bias"), nullptr);

  EXPECT_FALSE(e.set("eligibility.freeze_ruling", "struck_down"));
  EXPECT_TRUE(e.set("eligibility.freeze_ruling", "overturned"));
  EXPECT_EQ(e.scenario()->eligibility.ruling, FreezeRuling::overturned);
  EXPECT_EQ(e.value("eligibility.freeze_ruling"), "\"overturned\"");

  EXPECT_FALSE(e.set("waves.old.factions", "{ radical = 0.5, moderate = 0.6 }"));  // sums to 1.1
  EXPECT_TRUE(e.set("waves.old.factions", toml_shares({{"radical", 0.35}, {"moderate", 0.65}})));

  EXPECT_TRUE(e.reset("meetings.chair_bias"));
  EXPECT_EQ(e.scenario()->meetings.chair_bias, 0);
  e.reset_all();
  EXPECT_TRUE(e.overrides().empty());
  EXPECT_EQ(e.scenario()->eligibility.ruling, FreezeRuling::upheld);
}

TEST(VizParams, OpeningABadFileThrowsTheValidateMessagesAndKeepsTheSession) {
  EditSession e;
  e.open(scenario_path("toy.toml"));
  const auto s = e.scenario();
  try {
    e.open(std::string(LEADSIM_SOURCE_DIR) + "/tests/broken/probability_out_of_range.toml");
    FAIL() << "expected InputError";
  } catch (const InputError& err) {
    const auto lines = diagnostic_lines(err);
    ASSERT_FALSE(lines.empty());
    EXPECT_NE(lines[0].find("probability_out_of_range.toml:"), std::string::npos) << lines[0];
  }
  EXPECT_EQ(e.scenario(), s);
}

TEST(VizParams, SaveAsWritesAFileLeadsimRuns) {
  leadsim::test::TempDir dir;
  for (const char* name : {"toy.toml", "labour-2016.toml"}) {
    EditSession e;
    e.open(scenario_path(name));
    ASSERT_TRUE(e.set("meetings.chair_bias", "0.5"));
    ASSERT_TRUE(e.set("eligibility.freeze_ruling", "overturned"));
    ASSERT_TRUE(e.set("ballot.turnout.member", "0.9"));
    const std::string first_wave = e.scenario()->waves[0].id;
    ASSERT_TRUE(e.set("waves." + first_wave + ".activism", "1.3"));
    ASSERT_TRUE(e.set("contest.name", "My variant"));
    const std::string out = (dir / (std::string("saved-") + name)).string();
    e.save_as(out);
    const std::string text = leadsim::test::read_file(out);
    EXPECT_NE(text.find("include = "), std::string::npos) << text;
    EXPECT_NE(text.find("[meetings]\nchair_bias = 0.5"), std::string::npos) << text;

    // The saved file loads to exactly the parameters in force in the session.
    const Scenario saved = load_scenario(out);
    ASSERT_EQ(saved.resolved.size(), e.scenario()->resolved.size());
    for (size_t i = 0; i < saved.resolved.size(); ++i) {
      EXPECT_EQ(saved.resolved[i].path, e.scenario()->resolved[i].path);
      EXPECT_EQ(saved.resolved[i].value, e.scenario()->resolved[i].value) << saved.resolved[i].path;
    }
  }
  // And `leadsim run` accepts it.
  const std::string cmd = std::string(LEADSIM_BINARY) + " run " +
                          (dir / "saved-toy.toml").string() + " --runs 3 -q --out " +
                          (dir / "out").string() + " > /dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// A string typed into the panel's text field, holding what TOML must escape (quotes, backslashes,
// a newline, a tab, a control character) and unicode, goes through the library's toml_string:
// the session's reload reads it back as typed, and so does a saved file.
TEST(VizParams, AStringWithQuotesBackslashesNewlinesAndUnicodeReadsBack) {
  leadsim::test::TempDir dir;
  const std::string typed = "Say \"no\" \\ C:\\path\nline two\ttab \x01 \xC3\xA9lection \xE2\x80\x94 \xF0\x9F\x97\xB3";
  EditSession e;
  e.open(scenario_path("toy.toml"));
  const std::string left = e.scenario()->candidates[0].id;
  for (const std::string& path : {std::string("contest.name"), "candidates." + left + ".name"}) {
    const std::string current = e.value(path);
    ASSERT_TRUE(parse_string(current)) << path << " = " << current;  // a string field
    const std::string edit = text_edit_value(current, typed);
    ASSERT_TRUE(e.set(path, edit)) << path << "=" << edit;
    EXPECT_EQ(parse_string(e.value(path)), typed) << e.value(path);
  }
  EXPECT_EQ(e.scenario()->name, typed);
  EXPECT_EQ(e.scenario()->candidates[0].name, typed);
  const std::string out = (dir / "strings.toml").string();
  e.save_as(out);
  const Scenario saved = load_scenario(out);
  EXPECT_EQ(saved.name, typed) << leadsim::test::read_file(out);
  EXPECT_EQ(saved.candidates[0].name, typed);
  // A value that is not a string is TOML text as typed.
  EXPECT_EQ(text_edit_value("[1, 2]", "[1, 3]"), "[1, 3]");
}

// Every parameter population_depends_on() says the runs alone read must leave synthesise()'s
// population unchanged: perturb each in the toy scenario and compare the populations.
TEST(VizParams, ParametersSaidNotToAffectThePopulationDoNot) {
  const Scenario base = load_scenario(scenario_path("toy.toml"));
  const Population ref = synthesise(base, 7);
  auto same = [](const Population& a, const Population& b) {
    return a.clp_begin == b.clp_begin && a.uid == b.uid && a.clp == b.clp && a.wave == b.wave &&
           a.section == b.section && a.traits == b.traits && a.affiliate == b.affiliate &&
           a.joined == b.joined && a.activism == b.activism && a.turnout == b.turnout &&
           a.offset == b.offset && a.taste == b.taste && a.pull == b.pull &&
           a.affiliated == b.affiliated && a.parliament.clp == b.parliament.clp &&
           a.parliament.faction == b.parliament.faction && a.parliament.base == b.parliament.base;
  };
  int checked = 0;
  for (const auto& r : base.resolved) {
    const ParamSpec p = spec_of(r.path);
    if (population_depends_on(r.path)) continue;
    std::string v;
    switch (p.kind) {
      case WidgetKind::probability:
      case WidgetKind::number: {
        const double x = *parse_number(r.value);
        v = toml_number(x + 0.1 <= p.hi ? x + 0.1 : x - 0.1);
        break;
      }
      case WidgetKind::integer:
        v = std::to_string(std::int64_t(*parse_number(r.value)) + 1);
        break;
      case WidgetKind::boolean:
        v = *parse_bool(r.value) ? "false" : "true";
        break;
      case WidgetKind::date:
        v = format_day(parse_day(r.value) - 1);
        break;
      case WidgetKind::choice:
        v = toml_string(p.choices[0] == *parse_string(r.value) ? p.choices[1] : p.choices[0]);
        break;
      case WidgetKind::position: {
        auto x = *parse_numbers(r.value);
        x[0] += 0.1;
        v = toml_numbers(x);
        break;
      }
      case WidgetKind::shares: {
        const Shares s = *parse_shares(r.value);
        v = toml_shares(
            rebalance_shares(s, 0, s[0].second > 0.5 ? s[0].second - 0.1 : s[0].second + 0.1));
        break;
      }
      case WidgetKind::text:
        // An empty text is an unset file path (clps.identity): no file to change it to.
        if (r.value.front() != '"' || parse_string(r.value)->empty()) continue;
        v = toml_string(*parse_string(r.value) + " changed");
        break;
    }
    Scenario changed;
    try {
      changed = load_scenario(scenario_path("toy.toml"), {r.path + "=" + v});
    } catch (const InputError& e) {
      ADD_FAILURE() << r.path << "=" << v << " refused: " << e.what();
      continue;
    }
    // (The key may still differ: a default can follow another parameter, as the GC election
    // date follows the ballot date. Re-synthesising then is only a little wasted time.)
    EXPECT_TRUE(same(synthesise(changed, 7), ref))
        << r.path << "=" << v << " changed the population";
    ++checked;
  }
  EXPECT_GT(checked, 40);
  // And some that do.
  for (const char* p : {"waves.old.activism", "campaign.salience", "candidates.left.position",
                        "ballot.turnout.member", "meetings.gc_size", "clps.count",
                        "affiliates.union.share", "contest.dimensions", "something.new"})
    EXPECT_TRUE(population_depends_on(p)) << p;
  EXPECT_NE(population_signature(load_scenario(scenario_path("toy.toml"), {"campaign.salience=1.5"}), 7),
            population_signature(base, 7));
  EXPECT_NE(population_signature(base, 8), population_signature(base, 7));
}
