/**
 * The assembly line's commands about what the field and production feed
 * back: capturing and routing signals, recording deployments, opening and
 * resolving incidents. Each parses its input, catches up, checks what it
 * names exists with `fieldEvents.ts`, and appends through the
 * {@link LineWriter}; a write naming a line checks the line after catching
 * up and appends only if the log has not moved since, deciding again if it has.
 *
 * @module
 */
import { z } from "zod";
import { newId } from "../../ids.js";
import {
  type CaptureSignalInput,
  CaptureSignalInputSchema,
  type CaptureSignalOptions,
  CaptureSignalOptionsSchema,
  type OpenIncidentInput,
  OpenIncidentInputSchema,
  parseInput,
  type RecordDeploymentInput,
  RecordDeploymentInputSchema,
  type RecordFactOptions,
  RecordFactOptionsSchema,
  type ResolveIncidentInput,
  ResolveIncidentInputSchema,
} from "../inputs.js";
import type { LineDirectory } from "../LineDirectory.js";
import { LineIdSchema } from "../WorkItem.js";
import type { AssemblyState } from "./AssemblyState.js";
import { checkDeployment, checkIncident, expectIncident, expectSignal, signalEvents } from "./fieldEvents.js";
import type { LineWriter } from "./LineWriter.js";
import { checkReferences } from "./references.js";
import { earlierCapture, earlierFact } from "./requests.js";

/** Records signals, deployments and incidents: parses, checks against the latest state, writes. */
export class FieldCommands {
  readonly #state: AssemblyState;
  readonly #writer: LineWriter;
  readonly #lines: LineDirectory | undefined;

  constructor(state: AssemblyState, writer: LineWriter, lines: LineDirectory | undefined) {
    this.#state = state;
    this.#writer = writer;
    this.#lines = lines;
  }

  /**
   * Captures a signal, routed to a line at once when the input names one. A
   * routed or keyed signal is appended only if nothing landed since its line
   * and its key were checked, so a line another process retires meanwhile
   * refuses it, and a call retried with its idempotency key, from any process,
   * returns the signal the first call captured.
   *
   * @returns the signal id (`sig_...`).
   * @throws ValidationError when the input or the options are invalid.
   * @throws NotFoundError when the directory does not know the line.
   * @throws IdempotencyConflictError when the key was used for a work item or to capture a different signal.
   */
  async captureSignal(input: CaptureSignalInput, options: CaptureSignalOptions): Promise<string> {
    const data = parseInput(CaptureSignalInputSchema, input, "signal");
    const { idempotencyKey: key } = parseInput(CaptureSignalOptionsSchema, options, "signal options");
    let id = newId("sig");
    if (data.line === undefined && key === undefined) {
      await this.#writer.append(signalEvents(id, data, key), data.actor);
      return id;
    }
    await this.#writer.retrying(async (head) => {
      const earlier = earlierCapture(this.#state, key, data);
      if (earlier !== undefined) {
        id = earlier;
        return;
      }
      if (data.line !== undefined)
        await checkReferences(this.#lines, "signal", [{ entity: "line", field: "line", id: data.line }]);
      const keyed = { ...(data.actor === undefined ? {} : { actor: data.actor }), idempotencyKey: key };
      await this.#writer.appendMove(signalEvents(id, data, key), head, keyed);
    });
    return id;
  }

  /**
   * Routes a signal to a line, appended only if nothing landed since the
   * signal and the line were checked.
   *
   * @throws ValidationError when the line id is invalid.
   * @throws NotFoundError when there is no such signal, or the directory does not know the line.
   */
  async routeSignal(id: string, line: string, actor: string | undefined): Promise<void> {
    parseInput(z.object({ line: LineIdSchema }), { line }, "signal routing");
    await this.#writer.retrying(async (head) => {
      await checkReferences(this.#lines, "signal routing", [{ entity: "line", field: "line", id: line }]);
      expectSignal(this.#state, id);
      // Routed there already (a retry, a second confirmation): another event would tell the owner again.
      if (this.#state.signals.get(id)?.line === line) return;
      await this.#writer.appendAt({ type: "signal.routed", subject: id, data: { line } }, head, actor);
    });
  }

  /**
   * Records a deployment; a call retried with its idempotency key, from any
   * process, returns the deployment the first call recorded.
   *
   * @returns the deployment id (`dep_...`).
   * @throws ValidationError when the input is invalid or a work item or incident does not exist.
   * @throws NotFoundError when the directory does not know the line.
   * @throws IdempotencyConflictError when the key was used for another write or a different deployment.
   */
  async recordDeployment(input: RecordDeploymentInput, options: RecordFactOptions): Promise<string> {
    const data = parseInput(RecordDeploymentInputSchema, input, "deployment");
    return this.#recordFact("deployment.recorded", "dep", data, options, checkDeployment);
  }

  /**
   * Opens an incident; a call retried with its idempotency key, from any
   * process, returns the incident the first call opened.
   *
   * @returns the incident id (`inc_...`).
   * @throws ValidationError when the input is invalid or the deployment does not exist.
   * @throws NotFoundError when the directory does not know the line.
   * @throws IdempotencyConflictError when the key was used for another write or a different incident.
   */
  async openIncident(input: OpenIncidentInput, options: RecordFactOptions): Promise<string> {
    const data = parseInput(OpenIncidentInputSchema, input, "incident");
    return this.#recordFact("incident.opened", "inc", data, options, checkIncident);
  }

  /**
   * Resolves an incident once: one already resolved (by an earlier call or
   * another process) is left as it is, and nothing is written.
   *
   * @throws ValidationError when the note or the actor is invalid.
   * @throws NotFoundError when there is no such incident.
   */
  async resolveIncident(id: string, input: ResolveIncidentInput): Promise<void> {
    const data = parseInput(ResolveIncidentInputSchema, input, "incident resolution");
    await this.#writer.retrying(async (head) => {
      expectIncident(this.#state, id);
      if (this.#state.incidents.get(id)?.resolvedAt !== undefined) return;
      const event = {
        type: "incident.resolved",
        subject: id,
        data: data.note === undefined ? {} : { note: data.note },
      };
      await this.#writer.appendAt(event, head, data.actor);
    });
  }

  /**
   * Checks the parsed input against the latest state (and its line against
   * the directory) and appends the event of a new deployment or incident
   * (everything but the actor is its data), if the log has not moved since;
   * with a key, returns what an earlier call with it recorded instead.
   *
   * @returns the id, with the given prefix.
   */
  async #recordFact<T extends { readonly actor?: string | undefined; readonly line?: string | undefined }>(
    type: "deployment.recorded" | "incident.opened",
    prefix: string,
    data: T,
    options: RecordFactOptions,
    check: (state: AssemblyState, data: T) => void,
  ): Promise<string> {
    const subject = prefix === "dep" ? "deployment" : "incident";
    const { idempotencyKey: key } = parseInput(RecordFactOptionsSchema, options, `${subject} options`);
    const { actor, ...fields } = data;
    let id = newId(prefix);
    await this.#writer.retrying(async (head) => {
      const earlier = earlierFact(this.#state, key, type, fields);
      if (earlier !== undefined) {
        id = earlier;
        return;
      }
      await checkReferences(this.#lines, subject, [{ entity: "line", field: "line", id: data.line }]);
      check(this.#state, data);
      const event = { type, subject: id, data: key === undefined ? fields : { ...fields, request: key } };
      await this.#writer.appendMove([event], head, {
        ...(actor === undefined ? {} : { actor }),
        idempotencyKey: key,
      });
    });
    return id;
  }
}
