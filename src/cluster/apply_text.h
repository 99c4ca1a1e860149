// What `certmint apply` prints as text: the plan, the progress of the
// identities being issued, and the summary. (Its JSON report is
// ApplySession::ReportJson.)
#pragma once

#include <chrono>
#include <string>

#include "cluster/apply.h"
#include "cluster/apply_session.h"
#include "cluster/plan.h"
#include "core/error.h"

namespace certmint {

// The session's warnings, the CA to create (a NEW CA line that stands out),
// one line per planned identity ("refuse" for those the session's refusal
// holds back) and per unlisted one ("remove" with `prune`), and the counts.
std::string RenderPlanText(const ApplySession& session, const std::string& ca_dir, bool prune);

// After Execute created the CA: where, its subject and fingerprint.
std::string RenderCreatedCaText(const ApplySession& session, const std::string& ca_dir);

// What `apply --prune` revokes and removes, one identity a line: name,
// serial, issue date and names (SANs), for the operator to confirm. Empty
// when nothing is unlisted.
std::string RenderPruneText(const ApplySession& session, const std::string& out_dir);

// "Done in ...": the counts, and during a CA rotation the next step.
std::string RenderApplySummaryText(const ApplySession& session, const ApplySettings& settings,
                                   const ApplySummary& summary, size_t removed, double secs);

// done/total, rate and ETA.
class ApplyProgress {
 public:
  using Clock = std::chrono::steady_clock;
  // `tty`: stderr is a terminal, where one line is redrawn; else one line
  // per identity on stdout.
  ApplyProgress(size_t total, bool tty, Clock::time_point start)
      : total_(total), tty_(tty), start_(start) {}

  struct Output {
    std::string out;  // for stdout
    std::string err;  // for stderr
  };
  // Counts `item` as done (`st` its outcome) at `now`; returns what to print.
  Output Done(const PlanItem& item, const Status& st, Clock::time_point now);

 private:
  size_t total_;
  size_t done_ = 0;
  bool tty_;
  Clock::time_point start_;
};

}  // namespace certmint
