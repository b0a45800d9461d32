// The largest state file sched reads, and so the largest it writes.
#pragma once

#include <cstddef>

namespace sched::detail {

// 256 MiB: about 280,000 jobs of the size `sched add` writes with a few
// runs behind them (about 920 bytes each), so 100,000 jobs fit with room.
// A bigger file is refused from its size before it is read, which bounds
// the memory a hostile or broken file can take; a write that would exceed
// it is refused too, since the file written could never be read back.
inline constexpr std::size_t kMaxStateBytes = std::size_t{256} << 20;

}  // namespace sched::detail
