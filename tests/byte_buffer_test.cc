// The bounded whole-file read behind the state and config files
// (file_checks.h) and the buffer it reads into (byte_buffer.h): every byte
// comes back, whatever the first guess of the size, across the size from
// which the buffer is mapped in huge pages; a file over the limit is refused.

#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <optional>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "byte_buffer.h"
#include "file_checks.h"
#include "sched/error.h"
#include "support/files.h"
#include "support/temp_dir.h"

namespace {

using sched::detail::ByteBuffer;
using sched::detail::read_at_most;

constexpr std::size_t kMiB = std::size_t{1} << 20;

// Bytes that differ from one position to the next, so that a piece read
// twice, skipped or misplaced shows.
std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 4093) % 26);
  return out;
}

struct OpenFile {
  explicit OpenFile(const std::filesystem::path& path) : fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~OpenFile() { ::close(fd); }
  int fd;
};

}  // namespace

TEST_CASE("read_at_most returns every byte of a file, whatever size it was told to expect", "[byte-buffer]") {
  sched::test::TempDir dir;
  const std::size_t size = GENERATE(std::size_t{0}, std::size_t{1}, std::size_t{4096}, 2 * kMiB - 1, 2 * kMiB,
                                    5 * kMiB + 123);
  const std::size_t expected = GENERATE(std::size_t{0}, std::size_t{100}, std::size_t{3} * kMiB);
  CAPTURE(size, expected);
  const std::string bytes = pattern(size);
  sched::test::write_bytes(dir / "file", bytes);
  const OpenFile file(dir / "file");
  const std::optional<ByteBuffer> text = read_at_most(file.fd, 16 * kMiB, "cannot read", expected);
  REQUIRE(text);
  CHECK(text->size() == size);
  CHECK(text->view() == bytes);
}

TEST_CASE("read_at_most reads a pipe written a piece at a time to its end", "[byte-buffer]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::string bytes = pattern(3 * kMiB + 5);
  std::thread writer([&] {
    for (std::size_t at = 0; at < bytes.size();) {
      const ssize_t n = ::write(fds[1], bytes.data() + at, std::min<std::size_t>(65536, bytes.size() - at));
      if (n <= 0) break;
      at += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
  });
  const std::optional<ByteBuffer> text = read_at_most(fds[0], 16 * kMiB, "cannot read");
  writer.join();
  ::close(fds[0]);
  REQUIRE(text);
  CHECK(text->view() == bytes);
}

TEST_CASE("read_at_most takes a file of exactly the limit and refuses one byte more", "[byte-buffer]") {
  sched::test::TempDir dir;
  const std::size_t limit = 2 * kMiB + 7;
  sched::test::write_bytes(dir / "at", pattern(limit));
  sched::test::write_bytes(dir / "over", pattern(limit + 1));
  const OpenFile at(dir / "at"), over(dir / "over");
  const std::optional<ByteBuffer> taken = read_at_most(at.fd, limit, "cannot read", limit);
  REQUIRE(taken);
  CHECK(taken->view() == pattern(limit));
  CHECK_FALSE(read_at_most(over.fd, limit, "cannot read", limit));
  REQUIRE(::lseek(over.fd, 0, SEEK_SET) == 0);
  CHECK_FALSE(read_at_most(over.fd, limit, "cannot read", 0));  // found while growing
}

TEST_CASE("a read error is one line naming what failed", "[byte-buffer]") {
  sched::test::TempDir dir;
  const int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  try {
    (void)read_at_most(fd, kMiB, "cannot read state file /x/state.json");
    FAIL("no error");
  } catch (const sched::Error& e) {
    CHECK(std::string(e.what()) == "cannot read state file /x/state.json: Is a directory");
    CHECK(e.code() == sched::ErrorCode::io);
  }
  ::close(fd);
}

TEST_CASE("ByteBuffer keeps its bytes when it grows past the huge-page size and when it shrinks", "[byte-buffer]") {
  ByteBuffer buffer(10);
  std::copy_n("0123456789", 10, buffer.data());
  buffer.resize(3 * kMiB);  // from new[] to a mapping
  CHECK(buffer.size() == 3 * kMiB);
  CHECK(buffer.view().substr(0, 10) == "0123456789");
  buffer.resize(4);
  CHECK(buffer.view() == "0123");
  ByteBuffer moved(std::move(buffer));
  CHECK(moved.view() == "0123");
  CHECK(buffer.size() == 0);  // NOLINT(bugprone-use-after-move): a moved-from buffer is empty
}
