package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.SearchEntryMode;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.server.search.ParamDef;
import org.trialfhir.server.search.Resolver;
import org.trialfhir.server.search.SearchParams;
import org.trialfhir.validation.ProfileValidator;

/**
 * The CapabilityStatement tells the truth: it declares exactly the search parameters the server implements, each
 * with a definition that exists, and each declared parameter, include, operation and profile works.
 */
class CapabilityStatementIT {
  /** Types the sample data holds nothing of, so no search can match; their parameters still run. */
  private static final Map<String, String> NO_DATA = Map.of();

  /** Operations besides $validate (which every type has), by type. */
  private static final Map<String, Set<String>> OPERATIONS = Map.of(
      "ConceptMap", Set.of("translate"), "CodeSystem", Set.of("lookup"), "ValueSet", Set.of("expand"),
      "ResearchStudy", Set.of("match"));

  /** A request that each operation must answer with 200, by operation (a POST body for $validate). */
  private static final Map<String, String> CALLS = Map.of(
      "translate", "/ConceptMap/$translate?system=https://trialfhir.org/fhir/CodeSystem/ctgov-phase&code=PHASE2",
      "lookup", "/CodeSystem/$lookup?system=https://trialfhir.org/fhir/CodeSystem/ctgov-phase&code=PHASE2",
      "expand", "/ValueSet/$expand?url=https://trialfhir.org/fhir/ValueSet/ctgov-phase&filter=phase 2");

  /** Operations with no standard definition to refine (so no OperationDefinition.base). */
  private static final Set<String> OWN_OPERATIONS = Set.of("match", "import-record");

  /** Operations that write, declared only when the server has a write token. */
  private static final Set<String> WRITE_OPERATIONS = Set.of("import-record");

  private static final Set<String> TRIAL_TYPES = Set.of("ResearchStudy", "PlanDefinition", "ActivityDefinition",
      "Group", "Organization", "Location", "Practitioner");

  private static TestServer server;
  private static IGenericClient client;
  private static CapabilityStatement statement;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    client = server.client();
    statement = client.capabilities().ofType(CapabilityStatement.class).execute();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void declaresEveryTypeServedWithReadVreadSearchAndValidate() {
    Set<String> types = new TreeSet<>();
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      types.add(resource.getType());
      Set<String> interactions = new TreeSet<>();
      resource.getInteraction().forEach(i -> interactions.add(i.getCode().toCode()));
      // Without a write token: reads only, and the history of the trial types (a read too).
      Set<String> expected = TRIAL_TYPES.contains(resource.getType())
          ? Set.of("read", "vread", "search-type", "history-instance")
          : Set.of("read", "vread", "search-type");
      assertEquals(expected, interactions, resource.getType());
      if (interactions.contains("history-instance")) {
        String id = server.store().all(resource.getType()).get(0).getIdElement().getIdPart();
        assertEquals(200, server.get("/" + resource.getType() + "/" + id + "/_history").statusCode());
      }
      Set<String> operations = new TreeSet<>(OPERATIONS.getOrDefault(resource.getType(), Set.of()));
      operations.add("validate");
      assertEquals(operations, resource.getOperation().stream().map(o -> o.getName()).collect(Collectors.toSet()),
          resource.getType());
    }
    assertEquals(new TreeSet<>(List.of("ResearchStudy", "PlanDefinition", "ActivityDefinition", "Group", "Organization",
        "Location", "Practitioner", "StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap", "SearchParameter",
        "OperationDefinition")), types);
    assertTrue(statement.getFormat().stream().anyMatch(f -> f.getValue().equals("application/fhir+json")));
    assertTrue(statement.getFormat().stream().anyMatch(f -> f.getValue().equals("application/fhir+xml")));
  }

  @Test
  void declaresExactlyTheImplementedSearchParameters() {
    SearchParams implemented = new SearchParams(TestServer.CTX, new Resolver(server.store()));
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      Set<String> declared = new TreeSet<>();
      resource.getSearchParam().forEach(p -> declared.add(p.getName()));
      assertEquals(new TreeSet<>(implemented.of(resource.getType()).keySet()), declared, resource.getType());
      for (CapabilityStatementRestResourceSearchParamComponent param : resource.getSearchParam()) {
        ParamDef def = implemented.find(resource.getType(), param.getName()).orElseThrow();
        assertEquals(def.type().getCode(), param.getType().toCode(), resource.getType() + " " + param.getName());
      }
    }
  }

  @Test
  void everySearchParameterDefinitionExists() {
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      for (CapabilityStatementRestResourceSearchParamComponent param : resource.getSearchParam()) {
        String where = resource.getType() + " " + param.getName();
        String definition = param.getDefinition();
        assertNotNull(definition, where);
        if (definition.startsWith("https://trialfhir.org/fhir/SearchParameter/")) {
          // Ours: served, with the same code, base and type.
          Bundle found = client.search().byUrl("SearchParameter?url=" + definition).returnBundle(Bundle.class).execute();
          assertEquals(1, found.getTotal(), where + " → " + definition);
          SearchParameter sp = (SearchParameter) found.getEntryFirstRep().getResource();
          assertEquals(param.getName(), sp.getCode(), where);
          assertEquals(param.getType().toCode(), sp.getType().toCode(), where);
          assertTrue(sp.getBase().stream().anyMatch(b -> b.getValue().equals(resource.getType())), where);
          assertTrue(param.hasDocumentation(), where);
        } else if (!param.getName().startsWith("_")) {
          // R4's: the one HAPI's model knows for this type and name.
          RuntimeSearchParam standard = TestServer.CTX.getResourceDefinition(resource.getType()).getSearchParam(param.getName());
          assertNotNull(standard, where);
          assertEquals(standard.getUri(), definition, where);
          assertEquals(standard.getParamType().getCode(), param.getType().toCode(), where);
        } else {
          assertTrue(definition.startsWith("http://hl7.org/fhir/SearchParameter/Resource-"), where + " → " + definition);
        }
      }
    }
  }

  /** Every declared parameter has a case that matches and one that does not, and they give what they should. */
  @Test
  void everyDeclaredSearchParameterAnswersAsSearchCasesSay() {
    Map<String, List<SearchCases.Case>> casesByParameter = new TreeMap<>();
    for (SearchCases.Case c : SearchCases.CASES) {
      String query = c.query().substring(c.query().indexOf('?') + 1);
      for (String pair : query.split("&")) {
        String name = pair.substring(0, pair.indexOf('=')).split("[:.]", 2)[0];
        casesByParameter.computeIfAbsent(c.type() + " " + name, k -> new ArrayList<>()).add(c);
      }
    }
    List<String> problems = new ArrayList<>();
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      for (CapabilityStatementRestResourceSearchParamComponent param : resource.getSearchParam()) {
        String key = resource.getType() + " " + param.getName();
        List<SearchCases.Case> cases = casesByParameter.getOrDefault(key, List.of());
        if (NO_DATA.containsKey(resource.getType())) {
          // Still runs: an empty searchset, not an error.
          HttpResponse<String> response = server.get("/" + resource.getType() + "?" + param.getName() + ":missing=false");
          assertEquals(200, response.statusCode(), key + ": " + response.body());
          continue;
        }
        if (cases.stream().noneMatch(c -> !c.ids().isEmpty())) {
          problems.add(key + " has no search case that matches");
        }
        if (cases.stream().noneMatch(c -> c.ids().isEmpty())) {
          problems.add(key + " has no search case that matches nothing");
        }
        for (SearchCases.Case c : cases) {
          assertEquals(c.ids(), SearchIT.matchIds(
              client.search().byUrl(TestServer.encodeQuery(c.query())).returnBundle(Bundle.class).execute()), c.query());
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyDeclaredIncludeAndRevIncludeBringsResources() {
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      for (var include : resource.getSearchInclude()) {
        String value = include.getValue();
        String query = value.startsWith(resource.getType() + ":")
            ? resource.getType() + "?_include=" + value
            // An include of another type applies to what an earlier include brought: _include:iterate.
            : resource.getType() + "?_include=ResearchStudy:protocol&_include:iterate=" + value;
        assertTrue(includes(query) > 0, query);
      }
      for (var revInclude : resource.getSearchRevInclude()) {
        String query = resource.getType() + "?_revinclude=" + revInclude.getValue();
        assertTrue(includes(query) > 0, query);
      }
    }
  }

  @Test
  void declaredOperationsAnswerAndPointToTheirDefinition() {
    Set<String> declared = new TreeSet<>();
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      for (CapabilityStatementRestResourceOperationComponent operation : resource.getOperation()) {
        String where = resource.getType() + " $" + operation.getName();
        // Ours, served, for this code and type, refining a standard definition.
        Bundle found = client.search().byUrl("OperationDefinition?url=" + operation.getDefinition())
            .returnBundle(Bundle.class).execute();
        assertEquals(1, found.getTotal(), where + " → " + operation.getDefinition());
        OperationDefinition od = (OperationDefinition) found.getEntryFirstRep().getResource();
        assertEquals(operation.getName(), od.getCode(), where);
        assertTrue(od.getResource().stream().anyMatch(r -> r.getValue().equals(resource.getType())), where);
        // Ours refine a standard definition, except operations the spec has no definition of.
        assertEquals(!OWN_OPERATIONS.contains(od.getCode()), od.hasBase(), where);
        declared.add(resource.getType() + " " + od.getUrl());

        if (operation.getName().equals("match")) {
          HttpResponse<String> match = server.send(HttpRequest.newBuilder(server.uri("/ResearchStudy/$match"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Bundle\",\"type\":\"collection\","
                  + "\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"id\":\"p\"}}]}")),
              "Content-Type", "application/fhir+json");
          assertEquals(200, match.statusCode(), match.body());
          TestServer.CTX.newJsonParser().parseResource(Bundle.class, match.body());
          continue;
        }
        HttpResponse<String> response = "validate".equals(operation.getName())
            ? server.send(HttpRequest.newBuilder(server.uri("/" + resource.getType() + "/$validate"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"" + resource.getType() + "\"}")),
                "Content-Type", "application/fhir+json")
            : server.get(CALLS.get(operation.getName()));
        assertEquals(200, response.statusCode(), where + ": " + response.body());
        TestServer.CTX.newJsonParser().parseResource(response.body());
      }
    }
    // And every OperationDefinition served is declared for each type it names: none claims more than works. This
    // server has no write token, so the write operations are served as documents but not declared (WriteIT has them).
    Set<String> defined = new TreeSet<>();
    for (Resource resource : server.store().all("OperationDefinition")) {
      OperationDefinition od = (OperationDefinition) resource;
      if (WRITE_OPERATIONS.contains(od.getCode())) {
        continue;
      }
      od.getResource().forEach(type -> defined.add(type.getValue() + " " + od.getUrl()));
    }
    assertEquals(defined, declared);
  }

  @Test
  void supportedProfilesAreExactlyOursAndServed() {
    Map<String, List<String>> ours = TrialFhirServer.profilesByType(server.store());
    for (CapabilityStatementRestResourceComponent resource : resources()) {
      List<String> declared = resource.getSupportedProfile().stream().map(CanonicalType::getValue).toList();
      assertEquals(ours.getOrDefault(resource.getType(), List.of()), declared, resource.getType());
      for (String profile : declared) {
        assertEquals(1, client.search().byUrl("StructureDefinition?url=" + profile).returnBundle(Bundle.class).execute().getTotal(),
            profile);
      }
      assertEquals("http://hl7.org/fhir/StructureDefinition/" + resource.getType(), resource.getProfile());
    }
  }

  @Test
  void theCapabilityStatementIsValidR4() {
    OperationOutcome outcome = ProfileValidator.shared().validate(statement);
    assertEquals(List.of(), ValidateIT.errors(outcome));
  }

  @Test
  void optionsOnTheBaseAlsoAnswersWithIt() {
    HttpResponse<String> response = server.send(
        HttpRequest.newBuilder(server.uri("")).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("\"CapabilityStatement\""));
  }

  private static List<CapabilityStatementRestResourceComponent> resources() {
    assertFalse(statement.getRest().isEmpty());
    return statement.getRestFirstRep().getResource();
  }

  private static long includes(String query) {
    Bundle bundle = client.search().byUrl(query).returnBundle(Bundle.class).execute();
    return bundle.getEntry().stream().filter(e -> e.getSearch().getMode() == SearchEntryMode.INCLUDE).count();
  }
}
