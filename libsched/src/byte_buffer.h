#pragma once
// Memory for large, short-lived data that is written once from start to
// end: a state file's bytes, the records parsed from it.
//
// At 10,000 jobs both are about 9 MB. Faulting that in 4 KiB at a time
// cost this machine about 5 ms per buffer (2,300 page faults, each a trip
// through the kernel); in 2 MiB transparent huge pages it cost 1.4 ms.
// The kernel uses them only where asked (its default "madvise" mode) and
// only in 2 MiB-aligned ranges; where it has none, the advice is ignored.

#include <cstddef>
#include <string_view>

namespace sched::detail {

// Asks for transparent huge pages in the 2 MiB-aligned part of
// [begin, begin + bytes): memory the caller owns, not yet touched. A hint;
// it fails silently.
void advise_huge_pages(const void* begin, std::size_t bytes);

// Bytes that are not zeroed before use (read() fills them). From 2 MiB up
// they are 2 MiB-aligned and advised as above; below that they come from
// operator new.
class ByteBuffer {
 public:
  ByteBuffer() = default;
  explicit ByteBuffer(std::size_t size);
  ByteBuffer(ByteBuffer&& other) noexcept;
  ByteBuffer& operator=(ByteBuffer&& other) noexcept;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ~ByteBuffer();

  char* data() { return data_; }
  std::size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }
  // Keeps the first min(size(), size) bytes; the rest is unset. Growing
  // past the capacity moves them to new memory.
  void resize(std::size_t size);

 private:
  void release();

  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool mapped_ = false;  // from mmap (munmap it), else from new[]
};

}  // namespace sched::detail
