import { NotFoundError, ValidationError } from "@/lib/http/errors";
import { releaseTenantQuota, withTenantQuota } from "@/lib/quotas/quotas";
import { recordAudit } from "./audit";
import { FEATURE_FOR_RESOURCE } from "./features";
import { afterCursor, orderByFor, parseSort, toPage, type Page, type SortSpec } from "./pagination";
import {
  projectCreateSchema,
  projectListSchema,
  projectUpdateSchema,
  type ProjectCreateInput,
  type ProjectListInput,
  type ProjectUpdateInput,
} from "./schemas";
import { dateOnly, parseDateOnly, requireId, rowKey, unitOfWork, type Db } from "./unit-of-work";

const FEATURE = FEATURE_FOR_RESOURCE.projects;
const ENTITY = "Project";

export interface ProjectDto {
  id: string;
  name: string;
  description: string | null;
  customerId: string | null;
  status: string;
  budgetMinor: number | null;
  startDate: string | null;
  endDate: string | null;
  createdAt: string;
  updatedAt: string;
}

type ProjectRow = NonNullable<Awaited<ReturnType<Db["project"]["findFirst"]>>>;

export function toProjectDto(row: ProjectRow): ProjectDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    customerId: row.customerId,
    status: row.status,
    budgetMinor: row.budgetMinor,
    startDate: dateOnly(row.startDate),
    endDate: dateOnly(row.endDate),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const PROJECT_SORT: SortSpec<"name" | "status" | "createdAt" | "updatedAt"> = {
  fields: { name: "string", status: "string", createdAt: "date", updatedAt: "date" },
  default: "-createdAt",
};

async function findProject(db: Db, id: string): Promise<ProjectRow> {
  const row = await db.project.findFirst({ where: { id: requireId(id, ENTITY) } });
  if (!row) throw new NotFoundError(ENTITY);
  return row;
}

async function assertCustomer(db: Db, customerId: string | null | undefined): Promise<void> {
  if (!customerId) return;
  if (!(await db.customer.findFirst({ where: { id: customerId }, select: { id: true } })))
    throw new ValidationError([{ field: "customerId", message: "No such customer in this workspace" }]);
}

const toDate = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : parseDateOnly(value);

export function listProjects(input: ProjectListInput = {}): Promise<Page<ProjectDto>> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const query = projectListSchema.parse(input);
    const sort = parseSort(query.sort, PROJECT_SORT);
    const rows = await db.project.findMany({
      where: {
        AND: [
          query.status ? { status: query.status } : {},
          query.customerId ? { customerId: query.customerId } : {},
          afterCursor(query.cursor, sort) ?? {},
        ],
      },
      orderBy: orderByFor(sort),
      take: query.limit + 1,
    });
    return toPage(rows, query.limit, sort, toProjectDto);
  });
}

export function getProject(id: string): Promise<ProjectDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => toProjectDto(await findProject(db, id)));
}

/** Counts against the projects quota (given back when the creation fails). */
export function createProject(input: ProjectCreateInput): Promise<ProjectDto> {
  return withTenantQuota("projects", () =>
    unitOfWork(FEATURE, ENTITY, async (db) => {
      const data = projectCreateSchema.parse(input);
      await assertCustomer(db, data.customerId);
      const row = await db.project.create({
        data: { ...data, startDate: toDate(data.startDate), endDate: toDate(data.endDate) },
      });
      const after = toProjectDto(row);
      await recordAudit(db, { action: "project.created", entityType: "project", entityId: after.id, after });
      return after;
    }),
  );
}

export function updateProject(id: string, input: ProjectUpdateInput): Promise<ProjectDto> {
  return unitOfWork(FEATURE, ENTITY, async (db) => {
    const data = projectUpdateSchema.parse(input);
    const before = toProjectDto(await findProject(db, id));
    const startDate = data.startDate === undefined ? before.startDate : data.startDate;
    const endDate = data.endDate === undefined ? before.endDate : data.endDate;
    if (startDate && endDate && endDate < startDate)
      throw new ValidationError([
        { field: data.endDate !== undefined ? "endDate" : "startDate", message: "endDate cannot be before startDate" },
      ]);
    await assertCustomer(db, data.customerId);
    const row = await db.project.update({
      where: rowKey(before.id),
      data: { ...data, startDate: toDate(data.startDate), endDate: toDate(data.endDate) },
    });
    const after = toProjectDto(row);
    await recordAudit(db, { action: "project.updated", entityType: "project", entityId: after.id, before, after });
    return after;
  });
}

export async function deleteProject(id: string): Promise<void> {
  await unitOfWork(FEATURE, ENTITY, async (db) => {
    const before = toProjectDto(await findProject(db, id));
    await db.project.delete({ where: rowKey(before.id) });
    await recordAudit(db, { action: "project.deleted", entityType: "project", entityId: before.id, before });
  });
  await releaseTenantQuota("projects");
}
