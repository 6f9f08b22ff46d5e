/**
 * The argument schemas of the assembly line's methods, for `checkArguments`:
 * an id is a string, an input an object, options an object or nothing.
 *
 * @module
 */
import { z } from "zod";
import { anObject } from "../../checkArguments.js";

/** An id or name argument (work item, signal, link, line, artifact). */
export const Id = z.string();

/** A required input object, described by `what` when it is none. */
export const required = (what: string) => anObject(what);

/** An optional object (input, options, filter), described by `what` when it is something else. */
export const optional = (what: string) => anObject(what).optional();
