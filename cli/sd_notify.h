#pragma once
// Tells systemd about the service's state (Type=notify): sends `message`
// ("READY=1", "STOPPING=1", "RELOADING=1") as one datagram to the socket in
// $NOTIFY_SOCKET (a path, or an abstract name starting with '@'). Does
// nothing without NOTIFY_SOCKET. Returns false when sending failed.

#include <optional>
#include <string>

namespace sched::cli {

bool sd_notify(const std::optional<std::string>& socket, const std::string& message);

}  // namespace sched::cli
