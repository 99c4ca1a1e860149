// Load test of an OCSP responder over kept-alive plain HTTP on 127.0.0.1:
// C client threads, each on one connection (reconnecting when the server
// closes it, as `openssl ocsp`'s responder does after each answer), POST
// the same DER OCSP request for S seconds. Every answer must be HTTP 200
// with a successful OCSPResponse. Reports answers/s, p50/p99 latency,
// errors, reconnections and the server's CPU per answer (from
// /proc/PID/stat) as JSON.
//
//   certmint_ocsp_load PORT REQUEST.der SERVER_PID [--clients C] [--seconds S] [--path P]
//
// Bounded: at most 64 clients and 60 seconds.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

bool SendAll(int fd, const std::string& s) {
  size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads one response: status, whether the server keeps the connection, the
// body. False when the connection closed first.
bool ReadResponse(int fd, std::string& buf, int& status, bool& keep, std::string& body) {
  size_t head_end;
  while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
    char tmp[16384];
    const ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
    if (n <= 0) {
      return false;
    }
    buf.append(tmp, static_cast<size_t>(n));
  }
  std::string head = buf.substr(0, head_end);
  for (auto& c : head) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  status = std::atoi(head.c_str() + head.find(' ') + 1);
  const bool http10 = head.rfind("http/1.0", 0) == 0;
  keep = http10 ? head.find("connection: keep-alive") != std::string::npos
                : head.find("connection: close") == std::string::npos;
  size_t length = 0;
  if (const size_t p = head.find("content-length:"); p != std::string::npos) {
    length = std::strtoul(head.c_str() + p + 15, nullptr, 10);
  } else {
    keep = false;  // the body runs to the close
    length = SIZE_MAX;
  }
  buf.erase(0, head_end + 4);
  while (buf.size() < length) {
    char tmp[16384];
    const ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
    if (n <= 0) {
      if (length == SIZE_MAX) {
        break;
      }
      return false;
    }
    buf.append(tmp, static_cast<size_t>(n));
  }
  const size_t take = std::min(length, buf.size());
  body = buf.substr(0, take);
  buf.erase(0, take);
  return true;
}

// A successful OCSPResponse: SEQUENCE { ENUMERATED 0, ... }.
bool Successful(const std::string& der) {
  const size_t at = der.size() > 1 && (der[1] & 0x80) ? 2 + (der[1] & 0x7f) : 2;
  return der.size() > at + 2 && der[0] == 0x30 && der[at] == 0x0a && der[at + 1] == 0x01 &&
         der[at + 2] == 0x00;
}

double CpuSeconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t end = s.rfind(')');
  if (end == std::string::npos || end + 2 > s.size()) {
    return 0;  // gone, or not ours to read
  }
  std::istringstream in(s.substr(end + 2));
  std::string field;
  double utime = 0;
  double stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: %s PORT REQUEST.der SERVER_PID [--clients C] [--seconds S] "
                 "[--path P]\n",
                 argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  std::ifstream in(argv[2], std::ios::binary);
  const std::string request((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const int server_pid = std::atoi(argv[3]);
  int clients = 8;
  int seconds = 10;
  std::string path = "/ocsp";
  for (int i = 4; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--clients") clients = std::clamp(std::atoi(argv[i + 1]), 1, 64);
    if (flag == "--seconds") seconds = std::clamp(std::atoi(argv[i + 1]), 1, 60);
    if (flag == "--path") path = argv[i + 1];
  }
  const std::string http = "POST " + path +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Content-Type: application/ocsp-request\r\nConnection: keep-alive\r\n"
                           "Content-Length: " +
                           std::to_string(request.size()) + "\r\n\r\n" + request;
  std::atomic<long> answers{0};
  std::atomic<long> errors{0};
  std::atomic<long> reconnects{0};
  std::mutex mu;
  std::vector<double> latencies_ms;
  const double cpu_before = CpuSeconds(server_pid);
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      std::vector<double> mine;
      int fd = -1;
      std::string buf;
      while (Clock::now() < end) {
        if (fd < 0) {
          fd = Connect(port);
          buf.clear();
          if (fd < 0) {
            ++errors;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
          }
          ++reconnects;
        }
        const auto t0 = Clock::now();
        int status = 0;
        bool keep = false;
        std::string body;
        if (!SendAll(fd, http) || !ReadResponse(fd, buf, status, keep, body)) {
          close(fd);
          fd = -1;
          ++errors;
          continue;
        }
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (status == 200 && Successful(body)) {
          ++answers;
        } else {
          ++errors;
        }
        if (!keep) {
          close(fd);
          fd = -1;
        }
      }
      if (fd >= 0) close(fd);
      std::lock_guard<std::mutex> lock(mu);
      latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = CpuSeconds(server_pid) - cpu_before;
  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto pct = [&](double p) {
    return latencies_ms.empty() ? 0.0
                                : latencies_ms[static_cast<size_t>(p * (latencies_ms.size() - 1))];
  };
  std::printf(
      "{\"clients\": %d, \"seconds\": %.2f, \"answers\": %ld, \"per_second\": %.1f, "
      "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"errors\": %ld, \"connections\": %ld, "
      "\"server_cpu_ms_per_answer\": %.4f}\n",
      clients, elapsed, answers.load(), answers.load() / elapsed, pct(0.5), pct(0.99),
      errors.load(), reconnects.load(), answers ? cpu * 1000 / answers.load() : 0.0);
  return errors.load() == 0 ? 0 : 1;
}
