package org.trialfhir.matching;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Set;

/**
 * A study evaluated for one patient: every criterion's result, and the grade and score they give.
 *
 * <p>Grade rules (over the counted criteria; headings that repeat their sub-criteria are not counted):
 * <ul>
 *   <li>{@code certainly-not}: at least one criterion is not met. Score below 0.1 (0.1 × the share met).
 *   <li>{@code certain}: every criterion is met. Score 1.
 *   <li>{@code probable}: none is not met, the study's conditions, age and sex (those it states) are met, and at
 *       least half of the computable criteria (conditions, age, sex, criteria with a coded limit or a recognised
 *       topic) are met. Score 0.5 to 1 (0.5 + 0.5 × the share met).
 *   <li>{@code possible}: none is not met, but the core requirements or most computable criteria are unknown.
 *       Score 0.1 to 0.5 (0.1 + 0.4 × the share met).
 * </ul>
 * So the score orders studies by grade first, then by how much of the study the patient's data settle.
 */
public record StudyEvaluation(String studyId, List<CriterionResult> criteria, MatchGrade grade, BigDecimal score) {
  /** The requirements every study is graded on first. */
  static final Set<String> CORE = Set.of("condition", "age", "sex");

  public StudyEvaluation {
    criteria = List.copyOf(criteria);
  }

  /** Where a study stands for a patient: its grade and score, without the criteria's detail. */
  record Standing(MatchGrade grade, BigDecimal score) {}

  /** Grades a study's evaluated criteria. */
  static StudyEvaluation of(String studyId, List<CriterionResult> criteria) {
    Grader grader = new Grader();
    criteria.forEach(grader::add);
    Standing standing = grader.standing();
    return new StudyEvaluation(studyId, criteria, standing.grade(), standing.score());
  }

  /** The grade rules above, fed one criterion at a time (in any order). */
  static final class Grader {
    private int counted;
    private int met;
    private int computable;
    private int computableMet;
    private boolean notMet;
    private boolean coreMet = true;

    void add(CriterionResult result) {
      if (result.counted()) {
        add(result.status(), result.computable());
        if (CORE.contains(result.id()) && result.status() != CriterionStatus.MET) {
          coreMet = false;
        }
      }
    }

    /** A counted criterion that is not one of the {@link #CORE} requirements. */
    void add(CriterionStatus status, boolean isComputable) {
      counted++;
      boolean isMet = status == CriterionStatus.MET;
      met += isMet ? 1 : 0;
      notMet |= status == CriterionStatus.NOT_MET;
      if (isComputable) {
        computable++;
        computableMet += isMet ? 1 : 0;
      }
    }

    /** Whether a criterion fed so far is not met: the grade is then certainly-not, whatever follows. */
    boolean notMet() {
      return notMet;
    }

    /** Criteria no patient data can decide: counted, unknown, not computable. */
    void addUndecidable(int n) {
      counted += n;
    }

    Standing standing() {
      double share = counted == 0 ? 0 : (double) met / counted;
      MatchGrade grade;
      double score;
      if (notMet) {
        grade = MatchGrade.CERTAINLY_NOT;
        score = 0.1 * share;
      } else if (counted > 0 && met == counted) {
        grade = MatchGrade.CERTAIN;
        score = 1;
      } else if (coreMet && computable > 0 && 2 * computableMet >= computable) {
        grade = MatchGrade.PROBABLE;
        score = 0.5 + 0.5 * share;
      } else {
        grade = MatchGrade.POSSIBLE;
        score = 0.1 + 0.4 * share;
      }
      // Four decimals; rounding down keeps each grade's scores inside its band.
      return new Standing(grade, BigDecimal.valueOf(score).setScale(4, RoundingMode.DOWN));
    }
  }
}
