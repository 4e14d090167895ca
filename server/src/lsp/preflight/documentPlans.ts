// Each open document's pre-flight plan (what the instance must confirm for its calls) and the
// problems the known answers give it. A plan is re-made only for a new version, SQL Server version,
// login or answer generation, and then incrementally: an edit re-plans only what it touched.
import type { Analysis } from '../../core/analysis/analyze';
import type { Problem } from '../../core/diagnostics/problems';
import { assembleAnswers, IncrementalPreflightPlanner, preflightProblems, questionKey, questionsFor, type Fact, type PreflightAnswers, type PreflightPlan } from '../../core/preflight';
import type { SqlServerVersion } from '../../core/scriptCall/parameters';

export interface DocumentPlan {
  version: number;
  sqlServerVersion: SqlServerVersion;
  /** The cache the answers came from (instance + login + checked login). */
  cacheKey: string;
  generation: number;
  plan: PreflightPlan;
  answers: PreflightAnswers | null;
  problems: Problem[];
}

/** What the plan is made against: the answers known now, and the instance's worker groups. */
export interface PlanContext {
  cacheKey: string;
  generation: number;
  known: ReadonlyMap<string, Fact>;
  workerGroups: string[];
}

export class DocumentPlans {
  private readonly plans = new Map<string, DocumentPlan>();
  private readonly planners = new Map<string, IncrementalPreflightPlanner>();

  get(uri: string): DocumentPlan | undefined {
    return this.plans.get(uri);
  }

  has(uri: string): boolean {
    return this.plans.has(uri);
  }

  /** The document's plan and problems for this version and these answers (the cached ones when nothing changed). */
  update(uri: string, version: number, text: string, analysis: Analysis, sqlServerVersion: SqlServerVersion, context: PlanContext): DocumentPlan {
    const previous = this.plans.get(uri);
    if (previous && previous.version === version && previous.sqlServerVersion === sqlServerVersion && previous.cacheKey === context.cacheKey && previous.generation === context.generation) {
      return previous;
    }
    let planner = this.planners.get(uri);
    if (!planner) this.planners.set(uri, (planner = new IncrementalPreflightPlanner()));
    const plan = planner.plan(text, analysis, { sqlServerVersion, workerGroups: context.workerGroups });
    const answers = questionsFor(plan).length > 0 ? assembleAnswers(plan, (k) => context.known.get(k)) : null;
    const state: DocumentPlan = { version, sqlServerVersion, cacheKey: context.cacheKey, generation: context.generation, plan, answers, problems: preflightProblems(plan, answers) };
    this.plans.set(uri, state);
    return state;
  }

  /** The keys of the questions the document's plan asks. */
  questions(uri: string): string[] {
    const state = this.plans.get(uri);
    return state ? questionsFor(state.plan).map(questionKey) : [];
  }

  /** Whether the plan asks something `known` does not hold yet. */
  lacksAnswers(state: DocumentPlan, known: ReadonlyMap<string, Fact>): boolean {
    return questionsFor(state.plan).some((q) => !known.has(questionKey(q)));
  }

  /** The pre-flight was turned off: the plan is dropped, the planner kept for when it is on again. */
  drop(uri: string): void {
    this.plans.delete(uri);
  }

  closed(uri: string): void {
    this.plans.delete(uri);
    this.planners.delete(uri);
  }
}
