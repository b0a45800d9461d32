#include "sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

namespace sched::cli {

bool sd_notify(const std::optional<std::string>& socket, const std::string& message) {
  if (!socket || socket->empty()) return true;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (socket->size() >= sizeof address.sun_path || ((*socket)[0] != '/' && (*socket)[0] != '@')) return false;
  std::memcpy(address.sun_path, socket->data(), socket->size());
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';  // an abstract socket
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket->size());
  const ssize_t sent = ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
  ::close(fd);
  return sent == static_cast<ssize_t>(message.size());
}

}  // namespace sched::cli
