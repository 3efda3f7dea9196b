// input_file.cpp: reading an input file: regular files only, a size cap, every filesystem error as
// bad input naming the path (input_file.hpp).
#include "leadsim/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace leadsim {

namespace {

// What an errno from stat or open means for a path the user gave, in words.
std::string errno_problem(int err) {
  switch (err) {
    case ENOENT: return "does not exist";
    case EACCES: return "is unreadable: permission denied (on the file or on a folder above it)";
    case ENAMETOOLONG: return "is unreadable: the path is too long";
    case ELOOP: return "is unreadable: too many levels of symbolic links (a symlink loop?)";
    case ENOTDIR: return "is unreadable: a part of its path is not a folder";
    default: return fmt::format("is unreadable: {}", std::strerror(err));
  }
}

// "" for a regular file, else what it is instead.
std::string type_problem(mode_t mode) {
  if (S_ISREG(mode)) return "";
  if (S_ISDIR(mode)) return "is a folder, not a file";
  if (S_ISFIFO(mode)) return "is a FIFO (named pipe), not a file: only regular files are read";
  if (S_ISCHR(mode) || S_ISBLK(mode))
    return "is a device, not a file: only regular files are read";
  if (S_ISSOCK(mode)) return "is a socket, not a file: only regular files are read";
  return "is not a regular file: only regular files are read";
}

std::string size_problem(std::uintmax_t bytes) {
  return fmt::format("is {} bytes, more than the {} MiB cap on an input file", bytes,
                     kMaxInputBytes >> 20);
}

// Closes a descriptor on every way out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The bytes, or the problem in words.
std::string read_or_problem(const std::string& path, std::string& bytes) {
  if (path.empty()) return "is an empty path";
  // The type first, from the name: a FIFO must not even be opened (an open for reading blocks
  // until a writer comes), nor a device (opening some has effects).
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return errno_problem(errno);
  if (std::string p = type_problem(st.st_mode); !p.empty()) return p;
  if (std::uintmax_t(st.st_size) > kMaxInputBytes) return size_problem(std::uintmax_t(st.st_size));
  // O_NONBLOCK: should a FIFO have been swapped in since the stat, the open does not wait.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) return errno_problem(errno);
  if (::fstat(f.fd, &st) != 0) return errno_problem(errno);
  if (std::string p = type_problem(st.st_mode); !p.empty()) return p;
  const int flags = ::fcntl(f.fd, F_GETFL);
  if (flags >= 0) ::fcntl(f.fd, F_SETFL, flags & ~O_NONBLOCK);
  bytes.clear();
  bytes.reserve(size_t(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(f.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_problem(errno);
    }
    if (n == 0) break;
    bytes.append(buf, size_t(n));
    // A file that grows while it is read stops at the cap too.
    if (bytes.size() > kMaxInputBytes) return size_problem(bytes.size());
  }
  return "";
}

}  // namespace

std::string input_file_problem(const std::string& path, std::uintmax_t max_bytes) {
  if (path.empty()) return "is an empty path";
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) return errno_problem(errno);
  if (std::string p = type_problem(st.st_mode); !p.empty()) return p;
  if (std::uintmax_t(st.st_size) > max_bytes) return size_problem(std::uintmax_t(st.st_size));
  if (::access(path.c_str(), R_OK) != 0) return errno_problem(errno);
  return "";
}

std::optional<std::string> read_input_file(const std::string& path, const std::string& what,
                                           std::vector<Diagnostic>& diags,
                                           const SourcePlace* where) {
  std::string bytes;
  const std::string problem = read_or_problem(path, bytes);
  if (problem.empty()) return bytes;
  // Named by another file (an include, a CLP list): that file's line, and the path in the message.
  // Named on the command line: the path is the message's file already.
  if (where)
    diags.push_back({where->file, where->line, where->column,
                     fmt::format("{} '{}' {}", what, path, problem)});
  else
    diags.push_back({path, 0, 0, fmt::format("cannot open the {}: it {}", what, problem)});
  return std::nullopt;
}

std::string read_input_file(const std::string& path, const std::string& what) {
  std::vector<Diagnostic> diags;
  std::optional<std::string> bytes = read_input_file(path, what, diags);
  if (!bytes) throw InputError(diags);
  return std::move(*bytes);
}

std::string_view without_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

}  // namespace leadsim
