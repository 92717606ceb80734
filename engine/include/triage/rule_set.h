// The rule-set model: a plain, immutable, indexed picture of a rules folder. Every node and
// field keeps its source position. Built by the loader (loader.h), checked by the checker
// (checker.h), walked by sessions (session.h). The format is documented in docs/rules.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "triage/condition.h"
#include "triage/source.h"

namespace triage {

// The rule-file format this build reads: `format: triage-rules/1`.
inline constexpr const char* kRuleFormat = "triage-rules/1";

using NodeIndex = std::uint32_t;
using FlowIndex = std::uint32_t;
inline constexpr NodeIndex kNoNode = std::numeric_limits<NodeIndex>::max();
inline constexpr FlowIndex kNoFlow = std::numeric_limits<FlowIndex>::max();

enum class NodeKind : std::uint8_t { Question, Info, Input, Branch, Call, Return, Outcome };
const char* to_string(NodeKind kind);

// Who a text is for: read aloud to the citizen, or an instruction for the operator (`to:`).
enum class Audience : std::uint8_t { Citizen, Operator };
const char* to_string(Audience a);  // "citizen" | "operator"

// A template text (see template.h) and where it starts.
struct Text {
  std::string raw;
  SourceLoc loc;
};

// The dispositions an outcome may have (`disposition:`), in legend order.
const std::vector<std::string>& outcome_dispositions();

// A reference to a node of the same flow by id; `index` is filled by the loader when the id
// resolves (the checker reports the ones that do not).
struct Target {
  std::string id;
  SourceLoc loc;
  NodeIndex index = kNoNode;
};

// Deviation weight of a choice, for training scores: how much it matters when a trainee
// picks differently from the scenario.
enum class Weight : std::uint8_t { Minor, Major, Critical };

struct Option {
  Text label;
  Target next;
  std::optional<Weight> weight;  // none = inherit the node's (default major)
  SourceLoc loc;
};

// One arm of a branch: the first arm whose condition holds wins; an arm with an empty
// condition is the default (`else:`) and must come last.
struct BranchArm {
  Condition when;  // empty for the default arm
  SourceLoc when_loc;
  Target next;
  bool is_default = false;
};

struct ScriptLine {
  Text text;
  Condition when;  // empty = always said
  SourceLoc when_loc;
  std::optional<Audience> to;  // none = the node's, then the flow's
};

struct InputSpec {
  std::string validator;  // see validators.h
  SourceLoc validator_loc;
  std::string var;        // the context variable the normalized value is stored in
  SourceLoc var_loc;
  std::vector<std::string> choices;  // for validator "choice"
  Text prompt;                       // same as Node::text
};

struct OutcomeSpec {
  std::string code;         // stable outcome code, e.g. "FP-RESTORE-BY-PHONE"
  SourceLoc code_loc;
  std::string disposition;  // resolved | referred | escalated | callback | unresolved
  SourceLoc disposition_loc;
  std::string escalation;   // empty, or a target such as "mfc", "support_line", "regional_cc"
  SourceLoc escalation_loc;
  std::vector<ScriptLine> script;  // what to read to the caller, in order
  std::vector<std::string> sources;  // source document file names
  std::vector<std::string> urls;     // official URLs the documents cite
  std::string reviewed;     // YYYY-MM-DD
  SourceLoc reviewed_loc;
};

struct Node {
  std::string id;
  NodeKind kind = NodeKind::Info;
  FlowIndex flow = kNoFlow;
  SourceLoc loc;        // position of the node's key
  Text text;            // question / info text; input prompt
  std::string title;    // optional short title for breadcrumbs; falls back to id
  std::vector<Option> options;   // Question
  Target next;                   // Info, Input; Call: where to continue after the sub-flow returns
  std::vector<BranchArm> arms;   // Branch
  std::string call;              // Call: the sub-flow id
  SourceLoc call_loc;
  FlowIndex call_flow = kNoFlow;  // Call: resolved sub-flow
  // Call: the calling case's lines, read after the script of any outcome the sub-flow ends in
  // (`carry:`), so advice of the case is not lost when the sub-flow decides the outcome.
  std::vector<ScriptLine> carry;
  InputSpec input;               // Input
  OutcomeSpec outcome;           // Outcome
  std::optional<Weight> weight;  // Question: default weight of its options
  std::optional<Audience> to;    // who its text (and, for an outcome, its script) is for; none = the flow's
};

// What leads from a node to one of its successors (RuleSet::for_each_successor).
enum class EdgeKind : std::uint8_t {
  Option,     // a question's option number `index`
  Next,       // an info's or input's `next`
  Arm,        // a branch's arm number `index`
  Call,       // a call into its sub-flow: the sub-flow's start
  AfterCall,  // a call's `next`, taken once the sub-flow returns
};

// One successor of a node. `to` may be unresolved (index kNoNode): the checker reports those.
struct Edge {
  EdgeKind kind;
  std::size_t index;  // the option or arm number; 0 for the other kinds
  const Target& to;
};

// A fact a case settles by being the case (`implies:`), e.g. the quarantine case: quarantine true.
struct ImpliedFact {
  std::string var;
  std::string value;
  SourceLoc loc;
};

// A case tree (kind: case) or a shared sub-flow (kind: subflow), one per file.
struct Flow {
  std::string id;
  std::string title;
  std::string description;
  bool subflow = false;
  std::uint32_t file = 0;  // SourceFiles index
  SourceLoc loc;
  Target start;
  Audience to = Audience::Citizen;  // who its texts are for unless a node or line says otherwise
  std::vector<NodeIndex> nodes;  // in file order
  std::unordered_map<std::string, NodeIndex> by_id;
  // Free-text triage: how callers describe this case (see classifier.h).
  std::vector<std::string> phrases;
  std::vector<std::string> keywords;
  // Facts that hold whenever this case is the caller's problem; set at start and on a switch
  // to this case unless given otherwise.
  std::vector<ImpliedFact> implies;
};

// One answer of a fact question: what the operator picks and the value it sets.
struct FactOption {
  Text label;
  std::string value;  // "true"/"false" for bool, one of the enum's values
  SourceLoc loc;
};

// How the session asks a fact it does not know (`ask:` of a context variable, docs/rules.md).
struct FactAsk {
  Text question;
  std::vector<FactOption> options;
  bool early = false;  // `when: start`: asked before the case's first stop; else when first needed
  SourceLoc loc;
};

// A call-context variable declared in the entry file.
struct VarDecl {
  std::string name;
  std::string type;  // bool | enum | string
  std::vector<std::string> values;  // enum
  std::string default_value;
  std::string label;  // Russian, for the call screen
  // A fact the call asks when it is not given (by a flag, the config or the caller's words):
  // unknown until then. `default_value` is used only by sessions that do not ask
  // (SessionOptions::ask_facts false: scenarios, benchmarks, `run`).
  std::optional<FactAsk> ask;
  SourceLoc loc;
};

struct Contact {
  std::string key;
  std::string value;  // the phone number, URL or address
  std::string label;  // Russian description
  std::string kind;   // phone | url | address | text
  // `regional: true` in the national directory: a key only a region's branches use; its national
  // value exists so every template resolves, and pages list it only where an overlay gives it.
  bool regional = false;
  SourceLoc loc;
};

// One contacts file: the national default (region "default") or a regional overlay.
struct ContactDirectory {
  std::string region;
  std::string title;
  std::uint32_t file = 0;
  std::map<std::string, Contact> contacts;
};

class RuleSet {
 public:
  // ---- entry
  std::string title;
  std::string version;        // the entry file's `version:` string
  std::string content_hash;   // "sha256:<hex>" over every file's path and bytes, in path order
  std::string root;           // the rules folder as given
  std::vector<std::string> cases;  // case ids in the order the entry file lists them
  std::vector<SourceLoc> case_locs;  // position of each `cases:` item (parallel to `cases`)
  std::vector<VarDecl> vars;
  // Free-text triage: words that place a call on the line's subject (`triage: domain:` of the
  // entry file), the in-scope half of the classifier's out-of-scope model (docs/classifier.md).
  std::vector<std::string> domain_words;

  // ---- contents
  SourceFiles files;
  std::vector<Flow> flows;
  std::vector<Node> nodes;
  std::map<std::string, ContactDirectory> contacts;  // by region; "default" is national

  // ---- lookups (indexes are built by the loader)
  const Flow* find_flow(std::string_view id) const;
  FlowIndex flow_index(std::string_view id) const;
  // The node `id` of flow `flow`, or kNoNode.
  NodeIndex find_node(FlowIndex flow, std::string_view id) const;
  const VarDecl* find_var(std::string_view name) const;
  // Index of variable `name` in `vars`, or vars.size().
  std::size_t var_index(std::string_view name) const;
  // Contact `key` for `region`: the regional overlay first, then "default"; null when neither has it.
  const Contact* contact(std::string_view region, std::string_view key) const;
  // Every region that has a contacts file, "default" first.
  std::vector<std::string> regions() const;
  // Who node `n`'s texts (an outcome's script, a call's carried lines) are for: its own `to:`,
  // else its flow's.
  Audience audience(const Node& n) const;
  // True when flow `f` or a sub-flow it calls (transitively) reads variable `var`: in a
  // condition (branch arm, script or carried line) or a template (text, label, prompt, line).
  bool flow_reads(FlowIndex f, std::string_view var) const;
  // Calls `fn` for each successor of node `n`, in order: a question's options, an info's or
  // input's next, a branch's arms, a call's sub-flow start then its next; none for a return or
  // an outcome. The one place that knows which fields of a node are edges.
  void for_each_successor(const Node& n, const std::function<void(const Edge&)>& fn) const;
  // Flow `from` and every sub-flow it calls, transitively, in first-call order (`from` first).
  std::vector<FlowIndex> flows_reached(FlowIndex from) const;
  // Variables set by input nodes, with the validator of each (first input node wins).
  std::map<std::string, std::string> input_vars() const;

  std::unordered_map<std::string, FlowIndex> flow_by_id;
};

}  // namespace triage
