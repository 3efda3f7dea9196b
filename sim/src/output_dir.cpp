// output_dir.cpp: an output folder changed all together or not at all (output_dir.hpp).
#include "leadsim/output_dir.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <map>
#include <optional>
#include <sstream>

#include "leadsim/diagnostic.hpp"

namespace leadsim {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = ".leadsim-";

// This host's name as it appears in file names: letters, digits, '-' and '_' only.
std::string host_tag() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "host";
  std::string h;
  for (const char* c = buf; *c && h.size() < 32; ++c)
    h += std::isalnum(static_cast<unsigned char>(*c)) || *c == '-' || *c == '_' ? *c : '_';
  return h;
}

// Whether a process of this host runs (a pid that belongs to someone else counts as running).
bool alive(long pid) { return ::kill(pid_t(pid), 0) == 0 || errno == EPERM; }

// The parts of one of our hidden names: ".leadsim-<host>-<pid>.<rest>".
struct Hidden {
  std::string host;
  long pid = 0;
  std::string rest;  // "<name>.tmp", "<name>.old", "commit", "commit.tmp", "probe"
};
std::optional<Hidden> parse_hidden(const std::string& file) {
  if (file.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  const std::string tail = file.substr(kPrefix.size());
  const size_t dot = tail.find('.');
  if (dot == std::string::npos) return std::nullopt;
  const std::string id = tail.substr(0, dot);
  const size_t dash = id.rfind('-');
  if (dash == std::string::npos || dash + 1 == id.size()) return std::nullopt;
  Hidden h;
  h.host = id.substr(0, dash);
  for (size_t i = dash + 1; i < id.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(id[i])) || h.pid > 100'000'000) return std::nullopt;
    h.pid = h.pid * 10 + (id[i] - '0');
  }
  h.rest = tail.substr(dot + 1);
  return h;
}

// The temporary name of leadsim versions before this one: ".<name>.tmp-<pid>".
std::optional<long> old_style_pid(const std::string& file) {
  const size_t at = file.rfind(".tmp-");
  if (file.empty() || file[0] != '.' || at == std::string::npos || at + 5 == file.size())
    return std::nullopt;
  long pid = 0;
  for (size_t i = at + 5; i < file.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(file[i])) || pid > 100'000'000) return std::nullopt;
    pid = pid * 10 + (file[i] - '0');
  }
  return pid;
}

void sync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}
void sync_dir(const fs::path& dir) { sync_path(dir, O_RDONLY | O_DIRECTORY); }

// "" when `p` is absent or something a new file may replace (a regular file or a symlink).
std::string in_the_way(const fs::path& p) {
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(p, ec);
  if (ec || !fs::exists(st) || fs::is_regular_file(st) || fs::is_symlink(st)) return "";
  return fs::is_directory(st) ? "a folder" : "something other than a file";
}

}  // namespace

std::string OutputDir::own_prefix() {
  static const std::string prefix =
      fmt::format("{}{}-{}.", kPrefix, host_tag(), static_cast<long>(::getpid()));
  return prefix;
}

int sweep_output_leftovers(const fs::path& dir) {
  std::error_code ec;
  const std::string host = host_tag();
  std::map<long, std::vector<Hidden>> dead;  // by pid
  int removed = 0;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    if (std::optional<Hidden> h = parse_hidden(file)) {
      if (h->host == host && h->pid != long(::getpid()) && !alive(h->pid))
        dead[h->pid].push_back(*h);
    } else if (std::optional<long> pid = old_style_pid(file)) {
      // An older leadsim's temporary file: its host is unknown, so only when no process of that
      // pid runs here and it has not changed for an hour.
      const auto age = fs::file_time_type::clock::now() - fs::last_write_time(it->path(), ec);
      if (!ec && !alive(*pid) && age > std::chrono::hours(1) && fs::remove(it->path(), ec)) ++removed;
    }
  }
  for (auto& [pid, hidden] : dead) {
    const std::string prefix = fmt::format("{}{}-{}.", kPrefix, host, pid);
    // A commit cut short: its journal names the files; put back every old copy, and remove a
    // new file that had none (its temporary is gone: it was renamed into place).
    const fs::path journal = dir / (prefix + "commit");
    if (fs::exists(journal, ec)) {
      std::ifstream in(journal);
      for (std::string name; std::getline(in, name);) {
        if (name.empty() || name.find('/') != std::string::npos) continue;
        const fs::path old = dir / (prefix + name + ".old"), tmp = dir / (prefix + name + ".tmp");
        if (fs::exists(old, ec)) fs::rename(old, dir / name, ec);
        else if (!fs::exists(tmp, ec)) fs::remove(dir / name, ec);
      }
      in.close();
      sync_dir(dir);
      if (fs::remove(journal, ec)) ++removed;
    }
    for (const Hidden& h : hidden)
      if (fs::remove(dir / (prefix + h.rest), ec)) ++removed;
  }
  if (removed) sync_dir(dir);
  return removed;
}

OutputDir::OutputDir(fs::path dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const fs::path probe = dir_ / (own_prefix() + "probe");
  std::ofstream test(probe);
  if (ec || !test) {
    throw InputError({{dir_.string(), 0, 0,
                       "cannot write to the output folder (does its parent exist, and do you have "
                       "permission?)"}});
  }
  test.close();
  fs::remove(probe, ec);
  sweep_output_leftovers(dir_);
}

OutputDir::~OutputDir() {
  if (committed_) return;
  std::error_code ec;
  for (auto& f : files_) {
    f.stream.reset();
    fs::remove(f.tmp, ec);
  }
}

std::ostream& OutputDir::open(const std::string& name) {
  if (std::string what = in_the_way(dir_ / name); !what.empty())
    throw InputError({{(dir_ / name).string(), 0, 0,
                       fmt::format("{} is in the way of the output file '{}': move it away",
                                   what, name)}});
  File f;
  f.name = name;
  f.tmp = dir_ / (own_prefix() + name + ".tmp");
  f.stream = std::make_unique<std::ofstream>(f.tmp, std::ios::binary | std::ios::trunc);
  if (!*f.stream) throw InputError({{f.tmp.string(), 0, 0, "cannot create the file"}});
  files_.push_back(std::move(f));
  return *files_.back().stream;
}

void OutputDir::commit() {
  // 1. Every new file whole on disk.
  for (auto& f : files_) {
    f.stream->flush();
    if (!*f.stream)
      throw InputError({{f.tmp.string(), 0, 0, "writing the file failed (is the disk full?)"}});
    f.stream->close();
    sync_path(f.tmp, O_RDONLY);
  }
  std::error_code ec;
  const std::string prefix = own_prefix();
  auto final_of = [&](const File& f) { return dir_ / f.name; };
  auto old_of = [&](const File& f) { return dir_ / (prefix + f.name + ".old"); };
  auto drop_olds = [&] {
    for (const File& f : files_) fs::remove(old_of(f), ec);
  };
  // 2. An old copy of each file about to be replaced (a hard link: the file stays in place).
  std::vector<bool> had_old(files_.size(), false);
  for (size_t i = 0; i < files_.size(); ++i) {
    const File& f = files_[i];
    if (std::string what = in_the_way(final_of(f)); !what.empty()) {
      drop_olds();
      throw InputError({{final_of(f).string(), 0, 0,
                         fmt::format("{} is in the way of the output file '{}': nothing in the "
                                     "folder has changed", what, f.name)}});
    }
    if (!fs::exists(fs::symlink_status(final_of(f), ec))) continue;
    fs::remove(old_of(f), ec);
    fs::create_hard_link(final_of(f), old_of(f), ec);
    if (ec) fs::copy(final_of(f), old_of(f), fs::copy_options::copy_symlinks, ec);
    if (ec) {
      const std::string why = ec.message();
      drop_olds();
      throw InputError({{final_of(f).string(), 0, 0,
                         fmt::format("cannot keep a copy of the file to replace it safely ({}): "
                                     "nothing in the folder has changed", why)}});
    }
    had_old[i] = true;
  }
  // 3. The journal: from here until it is removed, a killed process is rolled back by the next.
  const fs::path journal = dir_ / (prefix + "commit"), journal_tmp = dir_ / (prefix + "commit.tmp");
  {
    std::ofstream j(journal_tmp, std::ios::binary | std::ios::trunc);
    for (const File& f : files_) j << f.name << "\n";
    j.flush();
    if (!j) {
      drop_olds();
      throw InputError({{journal_tmp.string(), 0, 0,
                         "cannot write the commit journal (is the disk full?): nothing in the "
                         "folder has changed"}});
    }
  }
  sync_path(journal_tmp, O_RDONLY);
  fs::rename(journal_tmp, journal, ec);
  if (ec) {
    fs::remove(journal_tmp, ec);
    drop_olds();
    throw InputError({{journal.string(), 0, 0, "cannot write the commit journal: nothing in the "
                                               "folder has changed"}});
  }
  sync_dir(dir_);
  // 4. The renames; a failure puts back what was renamed before it.
  for (size_t i = 0; i < files_.size(); ++i) {
    std::error_code rec;
    if (rename_) rename_(files_[i].tmp, final_of(files_[i]), rec);
    else fs::rename(files_[i].tmp, final_of(files_[i]), rec);
    if (!rec) continue;
    for (size_t k = 0; k < i; ++k) {
      if (had_old[k]) fs::rename(old_of(files_[k]), final_of(files_[k]), ec);
      else fs::remove(final_of(files_[k]), ec);
    }
    sync_dir(dir_);
    fs::remove(journal, ec);
    drop_olds();
    sync_dir(dir_);
    throw InputError({{final_of(files_[i]).string(), 0, 0,
                       fmt::format("cannot put the new file in place ({}): the files written "
                                   "before it were put back, nothing in the folder has changed",
                                   rec.message())}});
  }
  sync_dir(dir_);
  // 5. Committed: the journal goes first (old copies are what a rollback would need).
  fs::remove(journal, ec);
  sync_dir(dir_);
  drop_olds();
  committed_ = true;
}

}  // namespace leadsim
