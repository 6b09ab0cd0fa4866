// Where the shims record what k6 would: one sample per metric value, with its tags.
export interface Sample {
  metric: string;
  value: number;
  tags: Record<string, string>;
}

export const samples: Sample[] = [];

export function record(metric: string, value: number, tags: Record<string, string> = {}): void {
  samples.push({ metric, value, tags });
}
