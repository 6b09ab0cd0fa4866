/** GET /api/v1/projects: the projects the dashboards may pick. */
import Type, { type Static } from 'typebox';

export const ProjectList = Type.Object({ projects: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) });
export type ProjectList = Static<typeof ProjectList>;
