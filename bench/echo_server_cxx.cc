// echo_server_cxx.cc — (b) of the benchmark: the same Echo service written the way a C++
// shop would, with the official libgrpc++ async API: N threads, each owning one
// ServerCompletionQueue, 16 requests pre-posted per queue and re-armed as soon as a call
// arrives (the same settings as common/rpc_server.c). Benchmark only.
//
//   bench_echo_server_cxx --listen 127.0.0.1:0 --threads 2 --count-file /tmp/cxx.count
//
// Prints {"msg":"listening","port":P} on stderr; SIGTERM/SIGINT shut it down.
#include <grpcpp/grpcpp.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pss/bench/v1/echo.grpc.pb.h"

using pss::bench::v1::Echo;
using pss::bench::v1::EchoMessage;

static std::atomic<unsigned long long> served{0};

class CallData {
 public:
  CallData(Echo::AsyncService *svc, grpc::ServerCompletionQueue *cq)
      : svc_(svc), cq_(cq), responder_(&ctx_) {
    svc_->RequestEcho(&ctx_, &req_, &responder_, cq_, cq_, this);
  }
  void Proceed(bool ok) {
    if (state_ == PROCESS) {
      if (!ok) {  // shutting down: the request came back unused
        delete this;
        return;
      }
      new CallData(svc_, cq_);  // re-arm first
      resp_.set_payload(req_.payload());
      served.fetch_add(1, std::memory_order_relaxed);
      state_ = FINISH;
      responder_.Finish(resp_, grpc::Status::OK, this);
    } else {
      delete this;
    }
  }

 private:
  Echo::AsyncService *svc_;
  grpc::ServerCompletionQueue *cq_;
  grpc::ServerContext ctx_;
  EchoMessage req_, resp_;
  grpc::ServerAsyncResponseWriter<EchoMessage> responder_;
  enum { PROCESS, FINISH } state_ = PROCESS;
};

static void write_count(const std::string &path) {
  std::string tmp = path + ".tmp";
  FILE *f = fopen(tmp.c_str(), "w");
  if (!f) return;
  fprintf(f, "%llu\n", served.load());
  fclose(f);
  rename(tmp.c_str(), path.c_str());
}

int main(int argc, char **argv) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::string listen = "127.0.0.1:0", count_file;
  int threads = 2;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--listen") && i + 1 < argc) listen = argv[++i];
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--count-file") && i + 1 < argc) count_file = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--listen HOST:PORT] [--threads N] [--count-file PATH]\n", argv[0]);
      return 2;
    }
  }
  Echo::AsyncService svc;
  grpc::ServerBuilder b;
  int port = 0;
  b.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  b.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  b.RegisterService(&svc);
  std::vector<std::unique_ptr<grpc::ServerCompletionQueue>> cqs;
  for (int i = 0; i < threads; i++) cqs.push_back(b.AddCompletionQueue());
  std::unique_ptr<grpc::Server> server = b.BuildAndStart();
  if (!server || port <= 0) {
    fprintf(stderr, "{\"level\":\"error\",\"msg\":\"cannot listen\"}\n");
    return 1;
  }
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; i++) {
    grpc::ServerCompletionQueue *cq = cqs[i].get();
    for (int k = 0; k < 16; k++) new CallData(&svc, cq);
    workers.emplace_back([cq] {
      void *tag;
      bool ok;
      while (cq->Next(&tag, &ok)) static_cast<CallData *>(tag)->Proceed(ok);
    });
  }
  fprintf(stderr, "{\"level\":\"info\",\"svc\":\"bench-echo-cxx\",\"msg\":\"listening\",\"port\":%d,\"threads\":%d}\n",
          port, threads);
  std::atomic<bool> stop{false};
  std::thread counter;
  if (!count_file.empty())
    counter = std::thread([&] {
      while (!stop) {
        write_count(count_file);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  int sig;
  sigwait(&set, &sig);
  stop = true;
  if (counter.joinable()) counter.join();
  if (!count_file.empty()) write_count(count_file);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  for (auto &cq : cqs) cq->Shutdown();
  for (auto &w : workers) w.join();
  return 0;
}
