package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.ResearchStudy.ResearchStudyArmComponent;

/**
 * Writes the narrative of a ResearchStudy: its title and a short table of identifiers, status (R4 and the
 * registry's word), phase, conditions, sponsor, period, enrollment, sites and arms.
 */
final class StudyNarrative {
  private StudyNarrative() {}

  static void study(ResearchStudy study, XhtmlBuilder out) {
    Xhtml.heading(out, study.hasTitle() ? study.getTitle() : study.getIdElement().getIdPart());
    Xhtml.Facts facts = new Xhtml.Facts();
    List<String> others = new ArrayList<>();
    for (Identifier identifier : study.getIdentifier()) {
      if (ResearchStudyMapper.CTGOV.equals(identifier.getSystem())) {
        facts.add("Registry id", identifier.getValue());
      } else if (identifier.hasValue()) {
        others.add(identifier.getValue() + " (" + identifierKind(identifier) + ")");
      }
    }
    facts.add("Other identifiers", String.join("; ", others))
        .add("Status", status(study))
        .add("Phase", Xhtml.concept(study.getPhase()))
        .add("Conditions", String.join("; ",
            study.getCondition().stream().map(Xhtml::concept).filter(Xhtml::has).toList()))
        .add("Sponsor", display(study.getSponsor()))
        .add("Period", period(study.getPeriod()))
        .add("Target enrollment", participants(study, ResearchStudyMapper.EXT_TARGET_NUMBER))
        .add("Actual enrollment", participants(study, ResearchStudyMapper.EXT_ACTUAL_ENROLLMENT));
    List<String> sites = study.getSite().stream().map(StudyNarrative::display).toList();
    facts.add("Sites", sites.size() + (sites.size() == 1 ? " site:" : " sites:"), sites)
        .add("Arms", null, study.getArm().stream().map(StudyNarrative::arm).toList())
        .writeTo(out);
  }

  private static String participants(ResearchStudy study, String url) {
    Extension count = study.getExtensionByUrl(url);
    return count == null || !count.hasValue() ? null : count.getValue().primitiveValue() + " participants";
  }

  private static String identifierKind(Identifier identifier) {
    if (identifier.hasType() && Xhtml.has(identifier.getType().getText())) {
      return identifier.getType().getText();
    }
    if (ResearchStudyMapper.SID_ORG_STUDY_ID.equals(identifier.getSystem())) {
      return "sponsor's study id";
    }
    return ResearchStudyMapper.SID_SECONDARY_ID.equals(identifier.getSystem()) ? "secondary id"
        : identifier.getSystem();
  }

  /** "approved (registry: NOT_YET_RECRUITING, Not yet recruiting)". */
  private static String status(ResearchStudy study) {
    String status = study.hasStatus() ? study.getStatus().toCode() : "not stated";
    Extension registry = study.getExtensionByUrl(ResearchStudyMapper.EXT_REGISTRY_STATUS);
    if (registry == null || !(registry.getValue() instanceof Coding word)) {
      return status;
    }
    String text = word.hasCode() ? word.getCode() : word.getDisplay();
    if (word.hasCode() && word.hasDisplay()) {
      text += ", " + word.getDisplay();
    }
    return status + " (registry: " + text + ")";
  }

  private static String period(Period period) {
    if (period == null || period.isEmpty()) {
      return null;
    }
    String start = period.hasStart() ? period.getStartElement().getValueAsString() : "not stated";
    String end = period.hasEnd() ? period.getEndElement().getValueAsString() : "not stated";
    return start + " to " + end;
  }

  private static String display(Reference reference) {
    if (reference == null || reference.isEmpty()) {
      return null;
    }
    return reference.hasDisplay() ? reference.getDisplay() : reference.getReference();
  }

  /** "IM83 CAR-T Cells (Experimental): After preconditioning ...". */
  private static String arm(ResearchStudyArmComponent arm) {
    CodeableConcept type = arm.getType();
    String text = arm.getName() + (Xhtml.concept(type) == null ? "" : " (" + Xhtml.concept(type) + ")");
    return arm.hasDescription() ? text + ": " + arm.getDescription() : text;
  }
}
