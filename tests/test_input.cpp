// Tests for hostile input (issue 15): the one file reader (input_file.hpp: regular files only, a
// size cap, filesystem errors as located input errors), the nesting bound before toml++
// (toml_input.hpp), includes (cycles, depth, each file once), the strict number readers
// (number_text.hpp), CSV as spreadsheets write it (csv.hpp: BOM, CRLF, quoted fields), and ids.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "leadsim/ballot_file.hpp"
#include "leadsim/csv.hpp"
#include "leadsim/input_file.hpp"
#include "leadsim/number_text.hpp"
#include "leadsim/scenario.hpp"
#include "leadsim/toml_input.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using leadsim::Diagnostic;
using leadsim::InputError;
using leadsim::test::TempDir;

const std::string kToy = std::string(LEADSIM_SOURCE_DIR) + "/scenarios/toy.toml";

std::string dump(const std::vector<Diagnostic>& d) {
  std::string s;
  for (const auto& x : d) s += "  " + x.str() + "\n";
  return s.empty() ? "  (no diagnostics)\n" : s;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// The diagnostics of a scenario that must fail to load with InputError.
std::vector<Diagnostic> load_errors(const std::string& path,
                                    const std::vector<std::string>& set = {}) {
  try {
    leadsim::load_scenario(path, set);
    ADD_FAILURE() << path << " loaded; expected an InputError";
  } catch (const InputError& e) {
    return e.diagnostics();
  } catch (const std::exception& e) {
    ADD_FAILURE() << path << " threw something other than InputError: " << e.what();
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// The one reader: regular files only, a size cap, errors naming the path.

TEST(InputFile, ReadsARegularFileWhole) {
  TempDir dir;
  const std::string p = dir.write("a.txt", std::string("x\0y\n", 4));
  EXPECT_EQ(leadsim::read_input_file(p, "test file"), std::string("x\0y\n", 4));
  EXPECT_EQ(leadsim::input_file_problem(p), "");
}

TEST(InputFile, AFifoIsRefusedWithoutBlocking) {
  TempDir dir;
  const fs::path fifo = dir / "pipe.csv";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  std::vector<Diagnostic> d;
  EXPECT_FALSE(leadsim::read_input_file(fifo.string(), "CLP file", d));  // no writer: would block
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].file, fifo.string());
  EXPECT_EQ(d[0].message, "cannot open the CLP file: it is a FIFO (named pipe), not a file: only "
                          "regular files are read");
}

TEST(InputFile, DevicesAndFoldersAreRefused) {
  for (const char* dev : {"/dev/zero", "/dev/urandom", "/dev/null"}) {
    std::vector<Diagnostic> d;
    EXPECT_FALSE(leadsim::read_input_file(dev, "ballot file", d)) << dev;
    ASSERT_EQ(d.size(), 1u) << dev;
    EXPECT_TRUE(contains(d[0].message, "is a device, not a file")) << d[0].message;
  }
  TempDir dir;
  EXPECT_EQ(leadsim::input_file_problem(dir.path().string()), "is a folder, not a file");
}

TEST(InputFile, AFileOverTheCapIsRefusedBeforeItIsRead) {
  TempDir dir;
  const fs::path big = dir / "big.csv";
  std::ofstream(big).close();
  fs::resize_file(big, leadsim::kMaxInputBytes + 1);  // sparse: no disk used
  std::vector<Diagnostic> d;
  EXPECT_FALSE(leadsim::read_input_file(big.string(), "ballot file", d));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(contains(d[0].message, "is 67108865 bytes, more than the 64 MiB cap"))
      << d[0].message;
  fs::resize_file(big, leadsim::kMaxInputBytes);  // at the cap: read
  EXPECT_EQ(leadsim::input_file_problem(big.string()), "");
}

TEST(InputFile, FilesystemErrorsAreInputErrorsNamingThePath) {
  TempDir dir;
  fs::create_symlink(dir / "loop2", dir / "loop1");
  fs::create_symlink(dir / "loop1", dir / "loop2");
  dir.write("plain", "x");
  const std::pair<std::string, std::string> cases[] = {
      {(dir / "missing.toml").string(), "does not exist"},
      {(dir / "loop1").string(), "too many levels of symbolic links (a symlink loop?)"},
      {(dir / "plain" / "x.toml").string(), "a part of its path is not a folder"},
      {(dir / std::string(5000, 'a')).string(), "the path is too long"},
      {"", "is an empty path"},
  };
  for (const auto& [path, phrase] : cases) {
    try {
      leadsim::read_input_file(path, "scenario");
      ADD_FAILURE() << "no error for " << path.substr(0, 80);
    } catch (const InputError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u);
      EXPECT_EQ(e.diagnostics()[0].file, path);
      EXPECT_TRUE(contains(e.diagnostics()[0].message, phrase)) << e.diagnostics()[0].message;
    }
  }
}

TEST(InputFile, AnUnreadableFolderIsAnInputError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every folder";
  TempDir dir;
  fs::create_directories(dir / "closed");
  const std::string p = dir.write("closed/a.toml", "x = 1\n");
  fs::permissions(dir / "closed", fs::perms::none);
  std::vector<Diagnostic> d;
  EXPECT_FALSE(leadsim::read_input_file(p, "scenario", d));
  fs::permissions(dir / "closed", fs::perms::owner_all);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(contains(d[0].message, "permission denied")) << d[0].message;
}

TEST(InputFile, TheByteOrderMarkIsDropped) {
  EXPECT_EQ(leadsim::without_bom("\xEF\xBB\xBFname"), "name");
  EXPECT_EQ(leadsim::without_bom("name"), "name");
}

// ---------------------------------------------------------------------------------------------
// Nesting, bounded before toml++ sees the text.

std::optional<Diagnostic> nesting(const std::string& text) {
  return leadsim::toml_nesting_problem(text, "t.toml");
}

TEST(TomlNesting, RealScenariosPass) {
  for (const auto& e : fs::directory_iterator(std::string(LEADSIM_SOURCE_DIR) + "/scenarios")) {
    if (e.path().extension() == ".toml") {
      EXPECT_FALSE(nesting(leadsim::read_input_file(e.path().string(), "scenario")))
          << e.path();
    }
  }
}

TEST(TomlNesting, EachKindOfDepthCountsAndTheLimitIsExact) {
  auto key = [](int parts) {
    std::string k = "a";
    for (int i = 1; i < parts; ++i) k += ".a";
    return k;
  };
  EXPECT_FALSE(nesting(key(64) + " = 1\n"));
  EXPECT_TRUE(nesting(key(65) + " = 1\n"));
  EXPECT_FALSE(nesting("[" + key(63) + "]\nx = 1\n"));
  EXPECT_TRUE(nesting("[" + key(64) + "]\nx = 1\n"));
  EXPECT_TRUE(nesting("[" + key(60) + "]\n" + key(5) + " = 1\n"))
      << "the header's parts and the key's add up";
  EXPECT_TRUE(nesting("[[" + key(65) + "]]\n"));
  EXPECT_FALSE(nesting("x = " + std::string(63, '[') + std::string(63, ']') + "\n"));
  EXPECT_TRUE(nesting("x = " + std::string(70, '[') + std::string(70, ']') + "\n"));
  std::string inl = "x = ";
  for (int i = 0; i < 40; ++i) inl += "{ b = ";
  EXPECT_TRUE(nesting(inl + "1" + std::string(40, '}') + "\n"));
}

TEST(TomlNesting, StringsAndCommentsDoNotCount) {
  const std::string deep(500, '[');
  const std::string dots(500, '.');
  EXPECT_FALSE(nesting("a = \"" + deep + dots + "\"\n"));
  EXPECT_FALSE(nesting("a = '" + deep + "'\n"));
  EXPECT_FALSE(nesting("a = \"\"\"\n" + deep + "\n\"\"\"\nb = 1\n"));
  EXPECT_FALSE(nesting("a = '''\n" + deep + "\n'''\n"));
  EXPECT_FALSE(nesting("a = \"\\\"" + deep + "\"\n")) << "an escaped quote does not end it";
  EXPECT_FALSE(nesting("# " + deep + dots + "\na = 1 # " + deep + "\n"));
  EXPECT_FALSE(nesting("\"" + dots + "\" = 1\n")) << "dots in a quoted key are one part";
  EXPECT_FALSE(nesting("a = 1.5e3\nb = 2016-01-12\nc = [0.1, 0.2]\n")) << "numbers' dots";
}

TEST(TomlNesting, TheProblemIsLocated) {
  const std::optional<Diagnostic> d = nesting("a = 1\n\nx = " + std::string(80, '[') + "\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->file, "t.toml");
  EXPECT_EQ(d->line, 3);
  EXPECT_EQ(d->column, 5 + 63);  // the 64th bracket, under the key: 65 levels
  EXPECT_TRUE(contains(d->message, "nests more than 64 levels deep"));
}

TEST(TomlNesting, ASixtyKilobyteHeaderIsAnInputErrorNotACrash) {
  // The crash of issue 15: toml++ recursed once per key and overflowed the stack (exit 139).
  TempDir dir;
  for (int parts : {30000, 100000}) {
    std::string header = "include = \"" + kToy + "\"\n[clps.region_weight";
    for (int i = 0; i < parts; ++i) header += ".a";
    const std::string p = dir.write("deep.toml", header + "]\nb = 1\n");
    const std::vector<Diagnostic> d = load_errors(p);
    ASSERT_EQ(d.size(), 1u) << dump(d);
    EXPECT_EQ(d[0].line, 2);
    EXPECT_TRUE(contains(d[0].message, "nests more than 64 levels deep")) << dump(d);
  }
}

TEST(TomlNesting, SetPathsAndValuesAreBounded) {
  std::string path = "meetings";
  for (int i = 0; i < 100000; ++i) path += ".a";
  std::vector<Diagnostic> d = load_errors(kToy, {path + "=1"});
  ASSERT_EQ(d.size(), 1u) << dump(d).substr(0, 400);
  EXPECT_TRUE(contains(d[0].message, "dotted parts; leadsim reads at most 64")) << d[0].message.substr(0, 200);
  std::string value;
  for (int i = 0; i < 100000; ++i) value += "{a=";
  d = load_errors(kToy, {"meetings.attendance=" + value + "1" + std::string(100000, '}')});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_TRUE(contains(d[0].message, "nests more than 64 levels deep")) << d[0].message;
}

// ---------------------------------------------------------------------------------------------
// Includes.

TEST(Includes, AFileIncludingItselfIsOneErrorPerIncludeNotExponential) {
  TempDir dir;
  // 228 bytes that printed 59,049 identical errors (3^10) and took time and memory to match.
  const std::string p = dir.write("self.toml", "include = [\"self.toml\", \"self.toml\", \"self.toml\"]\n");
  const std::vector<Diagnostic> d = load_errors(p);
  ASSERT_EQ(d.size(), 3u) << dump(d);
  for (const auto& x : d) {
    EXPECT_EQ(x.file, p);
    EXPECT_EQ(x.line, 1);
    EXPECT_TRUE(contains(x.message, "include cycle: '")) << x.message;
  }
}

TEST(Includes, ACycleThroughOtherFilesNamesTheChain) {
  TempDir dir;
  dir.write("a.toml", "include = \"b.toml\"\n");
  dir.write("b.toml", "# b\ninclude = \"c.toml\"\n");
  const std::string c = dir.write("c.toml", "include = \"a.toml\"\n");
  const std::vector<Diagnostic> d = load_errors((dir / "a.toml").string());
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_EQ(d[0].file, c);
  EXPECT_EQ(d[0].line, 1);
  EXPECT_TRUE(contains(d[0].message, "a.toml -> ")) << d[0].message;
  EXPECT_TRUE(contains(d[0].message, "b.toml -> ")) << d[0].message;
  EXPECT_TRUE(contains(d[0].message, "c.toml -> ")) << d[0].message;
}

TEST(Includes, ASymlinkBackToTheFileIsACycle) {
  TempDir dir;
  const std::string p = dir.write("main.toml", "include = \"alias.toml\"\n");
  fs::create_symlink(dir / "main.toml", dir / "alias.toml");
  const std::vector<Diagnostic> d = load_errors(p);
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_TRUE(contains(d[0].message, "include cycle")) << d[0].message;
}

TEST(Includes, ADeepChainIsRefused) {
  TempDir dir;
  for (int i = 0; i < 12; ++i)
    dir.write("f" + std::to_string(i) + ".toml",
              "include = \"f" + std::to_string(i + 1) + ".toml\"\n");
  dir.write("f12.toml", "x = 1\n");
  const std::vector<Diagnostic> d = load_errors((dir / "f0.toml").string());
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_TRUE(contains(d[0].message, "includes nest more than 8 deep")) << d[0].message;
  EXPECT_EQ(d[0].line, 1);
}

TEST(Includes, EachFileIsReadOnceHoweverOftenItIsIncluded) {
  TempDir dir;
  // A diamond: derived includes two variants of one base; base is read and merged once.
  dir.write("base.toml", "include = \"" + kToy + "\"\n[meetings]\nattendance = 0.05\n");
  dir.write("left.toml", "include = \"base.toml\"\n[meetings]\nspeakers = 6\n");
  dir.write("right.toml", "include = \"base.toml\"\n[meetings]\nquorum = 3\n");
  const std::string p = dir.write("derived.toml", "include = [\"left.toml\", \"right.toml\", "
                                                  "\"left.toml\"]\n");
  const leadsim::Scenario s = leadsim::load_scenario(p);
  std::vector<std::string> names;
  for (const auto& [file, hash] : s.included_files) names.push_back(fs::path(file).filename());
  EXPECT_EQ(names, (std::vector<std::string>{"toy.toml", "base.toml", "left.toml", "right.toml"}));
  EXPECT_EQ(s.meetings.speakers, 6) << "left's own keys survive: base is not merged again";
  EXPECT_EQ(s.meetings.quorum, 3);
  EXPECT_DOUBLE_EQ(s.meetings.attendance, 0.05);
}

TEST(Includes, UnreadableIncludesAreLocatedAtTheIncludingLine) {
  TempDir dir;
  fs::create_symlink(dir / "loop2", dir / "loop1");
  fs::create_symlink(dir / "loop1", dir / "loop2");
  const std::pair<std::string, std::string> cases[] = {
      {"loop1", "is unreadable: too many levels of symbolic links"},
      {std::string(5000, 'x') + ".toml", "is unreadable: the path is too long"},
      {"/dev/urandom", "is a device, not a file"},
      {".", "is a folder, not a file"},
  };
  for (const auto& [target, phrase] : cases) {
    const std::string p = dir.write("main.toml", "# a comment\ninclude = \"" + target + "\"\n");
    const std::vector<Diagnostic> d = load_errors(p);
    ASSERT_EQ(d.size(), 1u) << dump(d);
    EXPECT_EQ(d[0].file, p);
    EXPECT_EQ(d[0].line, 2);
    EXPECT_EQ(d[0].column, 11);
    EXPECT_TRUE(contains(d[0].message, "included file '")) << d[0].message;
    EXPECT_TRUE(contains(d[0].message, phrase)) << d[0].message;
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers and dates as text.

TEST(NumberText, RealsAreDecimalFiniteAndWhole) {
  EXPECT_EQ(leadsim::parse_real("0.25"), 0.25);
  EXPECT_EQ(leadsim::parse_real("-3"), -3.0);
  EXPECT_EQ(leadsim::parse_real("1e3"), 1000.0);
  EXPECT_EQ(leadsim::parse_real(".5"), 0.5);
  for (const char* bad : {"", "0x10", "nan", "NaN", "inf", "-inf", "infinity", "1e999", "+1",
                          " 1", "1 ", "1,5", "1.2.3", "e5", "-"})
    EXPECT_FALSE(leadsim::parse_real(bad)) << bad;
}

TEST(NumberText, WholeNumbersRefuseSignsPrefixesAndOverflow) {
  EXPECT_EQ(leadsim::parse_whole("42", 0, 100), 42);
  EXPECT_EQ(leadsim::parse_whole("-5", -10, 10), -5);
  EXPECT_EQ(leadsim::parse_whole("010", 0, 100), 10) << "decimal, not octal";
  for (const char* bad : {"-5", "+5", "0x10", "1e3", "5.0", "", " 5", "101"})
    EXPECT_FALSE(leadsim::parse_whole(bad, 0, 100)) << bad;
  EXPECT_EQ(leadsim::parse_unsigned("18446744073709551615"), 18446744073709551615ull);
  for (const char* bad : {"18446744073709551616", "99999999999999999999999", "-1", "0x10", "+1"})
    EXPECT_FALSE(leadsim::parse_unsigned(bad)) << bad;
}

TEST(NumberText, DatesDoNotWrapTheirYear) {
  EXPECT_EQ(leadsim::parse_day("2016-01-12"), leadsim::parse_day("2016-01-12"));
  EXPECT_EQ(leadsim::format_day(leadsim::parse_day("2016-01-12")), "2016-01-12");
  for (const char* bad : {"67552-01-12", "+2016-01-12", " 2016-01-12", "2016-1-12", "2016-01-12x",
                          "2016-02-30", "0999-01-01", "2016/01/12", "2016-00-10"})
    EXPECT_THROW(leadsim::parse_day(bad), std::invalid_argument) << bad;
}

TEST(NumberText, ADateStringThroughSetDoesNotWrap) {
  const std::vector<Diagnostic> d = load_errors(kToy, {"contest.ballot_date=\"67552-09-01\""});
  ASSERT_EQ(d.size(), 1u) << dump(d);
  EXPECT_TRUE(contains(d[0].message, "a year from 1000 to 9999")) << d[0].message;
}

TEST(NumberText, NanAndInfinityThroughSetAreRefused) {
  const std::pair<const char*, const char*> cases[] = {
      {"meetings.chair_bias=nan", "expected a finite number"},
      {"meetings.attendance=inf", "expected a finite number"},
      {"candidates.left.position=[0, nan]", "it must be a finite number"},
      {"factions.radical.centre=[-inf, 0]", "it must be a finite number"},
      {"waves.new.factions={ radical = nan, moderate = 1 }", "it must be a finite number"},
      {"rules.final_ballot.college={ member = nan, affiliated = 1 }", "it must be a finite number"},
  };
  for (const auto& [set, phrase] : cases) {
    const std::vector<Diagnostic> d = load_errors(kToy, {set});
    bool found = false;
    for (const auto& x : d) found = found || contains(x.message, phrase);
    EXPECT_TRUE(found) << set << "\n" << dump(d);
  }
}

// ---------------------------------------------------------------------------------------------
// CSV as a spreadsheet writes it.

TEST(CsvText, ByteOrderMarkCrlfAndQuotedFields) {
  const leadsim::CsvText t = leadsim::split_csv_text(
      "\xEF\xBB\xBFname,count\r\n"
      "# a comment\r\n"
      "\r\n"
      "\"Smith, J\",3\r\n"
      "\"say \"\"hi\"\"\",4\r\n"
      "\"two\r\nlines\",5\r\n"
      "last,6");
  ASSERT_EQ(t.records.size(), 5u);
  EXPECT_EQ(t.unterminated_quote_line, 0);
  EXPECT_EQ(t.records[0].fields, (std::vector<std::string>{"name", "count"}));
  EXPECT_EQ(t.records[0].line, 1);
  EXPECT_EQ(t.records[1].fields, (std::vector<std::string>{"Smith, J", "3"}));
  EXPECT_EQ(t.records[1].line, 4);
  EXPECT_EQ(t.records[2].fields, (std::vector<std::string>{"say \"hi\"", "4"}));
  EXPECT_EQ(t.records[3].fields, (std::vector<std::string>{"two\r\nlines", "5"}));
  EXPECT_EQ(t.records[3].line, 6);
  EXPECT_EQ(t.records[4].fields, (std::vector<std::string>{"last", "6"}));
  EXPECT_EQ(t.records[4].line, 8) << "a record spanning two lines moves the count on";
}

TEST(CsvText, AnUnclosedQuoteIsReported) {
  const leadsim::CsvText t = leadsim::split_csv_text("a,b\n1,\"open\n2,3\n");
  EXPECT_EQ(t.unterminated_quote_line, 2);
}

TEST(CsvText, EveryFieldWrittenReadsBack) {
  const std::vector<std::string> fields = {"plain", "a,b", "say \"x\"", "two\nlines", "", "\"q"};
  std::string line;
  for (const auto& f : fields) line += (line.empty() ? "" : ",") + leadsim::csv_field(f);
  const leadsim::CsvText t = leadsim::split_csv_text(line + "\n");
  ASSERT_EQ(t.records.size(), 1u);
  EXPECT_EQ(t.records[0].fields, fields);
}

TEST(CsvText, BallotFileFromASpreadsheet) {
  TempDir dir;
  const leadsim::Scenario s = leadsim::load_scenario(kToy);
  const std::string p = dir.write(
      "ballots.csv", "\xEF\xBB\xBFsection,count,ranking\r\nmember,\"3\",left>right\r\n"
                     "\"member\",5,\"right > left\"\r\n");
  const leadsim::BallotSet b = leadsim::read_ballot_file(p, s);
  EXPECT_EQ(b.size(), 2u);
}

TEST(CsvText, BallotCountsCannotOverflowOrBeHexadecimal) {
  TempDir dir;
  const leadsim::Scenario s = leadsim::load_scenario(kToy);
  for (const char* count : {"1e308", "0x10", "nan", "inf", "-1", "1e13"}) {
    const std::string p = dir.write("b.csv", std::string("count,ranking\n") + count +
                                                 ",left>right\n2,right\n");
    try {
      leadsim::read_ballot_file(p, s);
      ADD_FAILURE() << count << " was read";
    } catch (const InputError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u) << count;
      EXPECT_EQ(e.diagnostics()[0].line, 2);
      EXPECT_EQ(e.diagnostics()[0].column, 1);
      EXPECT_TRUE(contains(e.diagnostics()[0].message, "should be a decimal number of voters in "
                                                       "[0, 1e+12]"))
          << e.diagnostics()[0].message;
    }
  }
}

TEST(CsvText, ClpFileFromASpreadsheet) {
  TempDir dir;
  dir.write("clps.csv",
            "\xEF\xBB\xBFname,nation,region,lab,winner\r\n"
            "\"Smithton, North\",England,London,100,Lab\r\n"
            "\"The \"\"Other\"\" Place\",England,London,50,Con\r\n");
  const std::string p = dir.write(
      "s.toml", "include = \"" + kToy + "\"\n[clps]\nfile = \"clps.csv\"\nweight = \"lab\"\n");
  const leadsim::Scenario s = leadsim::load_scenario(p);
  ASSERT_EQ(s.clps.size(), 2u);
  EXPECT_EQ(s.clps[0].name, "Smithton, North");
  EXPECT_EQ(s.clps[1].name, "The \"Other\" Place");
  EXPECT_TRUE(s.clps[0].labour_held);
  EXPECT_FALSE(s.clps[1].labour_held);
}

TEST(CsvText, ClpNumbersAreStrict) {
  TempDir dir;
  const std::string csv = dir.write(
      "clps.csv", "name,nation,region,lab\nA,England,London,100\nB,England,London,0x10\n"
                  "C,England,London,nan\n");
  const std::string p = dir.write(
      "s.toml", "include = \"" + kToy + "\"\n[clps]\nfile = \"clps.csv\"\nweight = \"lab\"\n");
  const std::vector<Diagnostic> d = load_errors(p);
  for (const auto& [line, value] : {std::pair{3, "0x10"}, std::pair{4, "nan"}}) {
    bool found = false;
    for (const auto& x : d)
      found = found || (x.file == csv && x.line == line && x.column == 4 &&
                        x.message == std::string("column 'lab' should be a finite non-negative "
                                                 "decimal number, got '") + value + "'");
    EXPECT_TRUE(found) << value << "\n" << dump(d);
  }
}

// ---------------------------------------------------------------------------------------------
// Ids: what becomes a CSV column, a --set path, a ranking.

TEST(Ids, OnlyBareKeysOfBoundedLengthNameThings) {
  TempDir dir;
  const std::pair<std::string, std::string> cases[] = {
      {"[candidates.\"a,b\"]", "holds a character other than"},
      {"[factions.\"a.b\"]", "holds a character other than"},
      {"[waves.\"../up\"]", "holds a character other than"},
      {"[candidates.\"two\\nlines\"]", "holds a character other than"},
      {"[candidates.\"\"]", "is empty"},
      {"[candidates." + std::string(65, 'x') + "]", "is 65 characters long, more than 64"},
  };
  for (const auto& [header, phrase] : cases) {
    const std::string p = dir.write("s.toml", "include = \"" + kToy + "\"\n\n" + header + "\n");
    const std::vector<Diagnostic> d = load_errors(p);
    ASSERT_FALSE(d.empty()) << header;
    EXPECT_EQ(d[0].line, 3) << header << "\n" << dump(d);
    EXPECT_TRUE(contains(d[0].message, phrase)) << header << "\n" << dump(d);
  }
}

}  // namespace
