// output_dir.hpp: an output folder whose files change all together or not at all.
//
// `leadsim run` writes summary.json, runs.csv and clps.csv (and uncertainty.csv); `identity`,
// `sensitivity` and `sweep --merge` their own. A reader must never find some of them new and the
// rest old or missing, whatever happens: an interrupted run, a full disk, a rename that fails
// half way, a SIGKILL. So:
//
//   - open() writes each file under a hidden temporary name in the folder itself (so that the
//     final rename is within one filesystem): .leadsim-<host>-<pid>.<name>.tmp. A file, folder or
//     anything else already in the way of a final name, other than a regular file it will
//     replace, is refused at open(), before any work is done.
//   - commit() flushes and fsyncs every file, then keeps each file it will replace as a hard link
//     (.leadsim-<host>-<pid>.<name>.old), writes a journal naming the files
//     (.leadsim-<host>-<pid>.commit), renames the new files into place, and only then removes the
//     journal and the old copies. Should a rename fail (the injectable hook below lets a test make
//     the second one fail), the files already renamed are put back from their old copies, or
//     removed when there was none, and an InputError names the file and the reason: the folder
//     is as it was.
//   - never committed (an error, SIGINT/SIGTERM/SIGHUP), the destructor removes its temporary
//     files. Killed outright (SIGKILL, a power cut), it leaves them behind: the next OutputDir on
//     the folder removes the leftovers of processes of this host that no longer run, and where a
//     journal shows a commit was cut short, first puts the old files back (the journal is written
//     after every old copy exists, so they are all there). Leftovers of another host's processes,
//     or of a live process, are left alone; nothing ever reads them.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace leadsim {

class OutputDir {
 public:
  // Creates the folder if needed, sweeps dead processes' leftovers (above); throws InputError if
  // the folder cannot be written.
  explicit OutputDir(std::filesystem::path dir);
  ~OutputDir();  // removes temporary files unless committed
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  // A new file in the folder, under a temporary name. Throws InputError when something other
  // than a regular file is in the way of `name`.
  std::ostream& open(const std::string& name);
  // Puts every opened file in place, all of them or none (InputError naming what failed).
  void commit();
  std::filesystem::path path(const std::string& name) const { return dir_ / name; }

  // How commit() renames (default std::filesystem::rename): a test's hook, to make a rename fail.
  using RenameFn = std::function<void(const std::filesystem::path& from,
                                      const std::filesystem::path& to, std::error_code& ec)>;
  void set_rename_for_testing(RenameFn f) { rename_ = std::move(f); }

  // The prefix of this process's hidden files in an output folder: ".leadsim-<host>-<pid>.".
  static std::string own_prefix();

 private:
  std::filesystem::path dir_;
  struct File {
    std::string name;
    std::filesystem::path tmp;
    std::unique_ptr<std::ofstream> stream;
  };
  std::vector<File> files_;
  bool committed_ = false;
  RenameFn rename_;
};

// Removes what dead processes of this host left in `dir` (temporary files, old copies; an
// interrupted commit rolled back first). Returns how many files it removed. OutputDir calls it;
// public for tests.
int sweep_output_leftovers(const std::filesystem::path& dir);

}  // namespace leadsim
