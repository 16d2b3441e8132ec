package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trialfhir.source.Diagnostic.Severity;

class ConditionSplitterTest {

  private final List<Diagnostic> diagnostics = new ArrayList<>();

  private List<String> split(String line) {
    return ConditionSplitter.split(new SourceLine(7, line), "Conditions", diagnostics);
  }

  @Test
  void splitsAfterClosingParenthesisWithoutGuessing() {
    // Conditions: "AML (...) BPDCN (...)" — a closing parenthesis then a capital ends a term.
    assertEquals(
        List.of("AML (Acute Myeloid Leukemia)", "BPDCN (blastic Plasmacytoid Dendritic Cell Neoplasm)"),
        split("AML (Acute Myeloid Leukemia) BPDCN (blastic Plasmacytoid Dendritic Cell Neoplasm)"));
    assertTrue(diagnostics.isEmpty());
  }

  @Test
  void splitsOnRepeatedHeadWordAndSaysItGuessed() {
    assertEquals(List.of("Refractory Osteosarcoma", "Recurrent Osteosarcoma"),
        split("Refractory Osteosarcoma Recurrent Osteosarcoma"));
    assertEquals(1, diagnostics.size());
    assertEquals(Severity.WARNING, diagnostics.get(0).severity());
    assertEquals(7, diagnostics.get(0).line());
    assertTrue(diagnostics.get(0).message().contains("guess"));
  }

  @Test
  void keepsInvertedTermsAndConnectorsTogether() {
    assertEquals(
        List.of("Sarcoma", "Sarcoma, Kaposi", "Sarcoma, Ewing", "Sarcoma,Soft Tissue",
            "Sarcoma of Bone and Connective Tissue", "Sarcoma, Synovial", "Sarcoma Metastatic",
            "Sarcomas, Germinoblastic", "Sarcoma of Bone"),
        split("Sarcoma Sarcoma, Kaposi Sarcoma, Ewing Sarcoma,Soft Tissue Sarcoma of Bone and Connective Tissue"
            + " Sarcoma, Synovial Sarcoma Metastatic Sarcomas, Germinoblastic Sarcoma of Bone"));
  }

  @Test
  void leavesSingleTermsWhole() {
    assertEquals(List.of("Relapsed B-cell Acute Lymphoblastic Leukemia After CD19 CAR-T ACI"),
        split("Relapsed B-cell Acute Lymphoblastic Leukemia After CD19 CAR-T ACI"));
    assertEquals(List.of("Autoimmune Diseases"), split("Autoimmune Diseases"));
    assertTrue(diagnostics.isEmpty());
  }
}
