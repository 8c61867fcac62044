import { Migration } from '../../../../sdk/index.ts';

export class Migration20261202065940_placed extends Migration {

  /** Rows under a group carry its tenant, site and cluster, groups their cluster's site (the resource kit's placement). */
  override async up(): Promise<void> {
    this.addSql(`alter table \`ha_groups\` add \`site_id\` int not null;`);
    this.addSql(`alter table \`ha_groups\` add index \`ha_groups_site_id_index\`(\`site_id\`);`);

    this.addSql(`alter table \`ha_nodes\` add \`tenant_id\` int not null, add \`site_id\` int not null, add \`cluster_id\` int not null;`);
    this.addSql(`alter table \`ha_nodes\` add index \`ha_nodes_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`ha_nodes\` add index \`ha_nodes_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`ha_nodes\` add index \`ha_nodes_cluster_id_index\`(\`cluster_id\`);`);

    this.addSql(`alter table \`ha_notify_targets\` add \`tenant_id\` int not null, add \`site_id\` int not null, add \`cluster_id\` int not null;`);
    this.addSql(`alter table \`ha_notify_targets\` add index \`ha_notify_targets_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`ha_notify_targets\` add index \`ha_notify_targets_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`ha_notify_targets\` add index \`ha_notify_targets_cluster_id_index\`(\`cluster_id\`);`);

    this.addSql(`alter table \`ha_sync_paths\` add \`tenant_id\` int not null, add \`site_id\` int not null, add \`cluster_id\` int not null;`);
    this.addSql(`alter table \`ha_sync_paths\` add index \`ha_sync_paths_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`ha_sync_paths\` add index \`ha_sync_paths_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`ha_sync_paths\` add index \`ha_sync_paths_cluster_id_index\`(\`cluster_id\`);`);

    this.addSql(`alter table \`ha_vips\` add \`tenant_id\` int not null, add \`site_id\` int not null, add \`cluster_id\` int not null;`);
    this.addSql(`alter table \`ha_vips\` add index \`ha_vips_tenant_id_index\`(\`tenant_id\`);`);
    this.addSql(`alter table \`ha_vips\` add index \`ha_vips_site_id_index\`(\`site_id\`);`);
    this.addSql(`alter table \`ha_vips\` add index \`ha_vips_cluster_id_index\`(\`cluster_id\`);`);

    // Existing rows got 0: fill in the group's placement (the group's site from its cluster).
    this.addSql(`update \`ha_groups\` g join \`clusters\` c on c.\`id\` = g.\`cluster_id\` set g.\`site_id\` = c.\`site_id\`;`);
    this.addSql(`update \`ha_nodes\` x join \`ha_groups\` g on g.\`id\` = x.\`group_id\` set x.\`tenant_id\` = g.\`tenant_id\`, x.\`site_id\` = g.\`site_id\`, x.\`cluster_id\` = g.\`cluster_id\`;`);
    this.addSql(`update \`ha_notify_targets\` x join \`ha_groups\` g on g.\`id\` = x.\`group_id\` set x.\`tenant_id\` = g.\`tenant_id\`, x.\`site_id\` = g.\`site_id\`, x.\`cluster_id\` = g.\`cluster_id\`;`);
    this.addSql(`update \`ha_sync_paths\` x join \`ha_groups\` g on g.\`id\` = x.\`group_id\` set x.\`tenant_id\` = g.\`tenant_id\`, x.\`site_id\` = g.\`site_id\`, x.\`cluster_id\` = g.\`cluster_id\`;`);
    this.addSql(`update \`ha_vips\` x join \`ha_groups\` g on g.\`id\` = x.\`group_id\` set x.\`tenant_id\` = g.\`tenant_id\`, x.\`site_id\` = g.\`site_id\`, x.\`cluster_id\` = g.\`cluster_id\`;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`ha_notify_targets\` drop index \`ha_notify_targets_tenant_id_index\`;`);
    this.addSql(`alter table \`ha_notify_targets\` drop index \`ha_notify_targets_site_id_index\`;`);
    this.addSql(`alter table \`ha_notify_targets\` drop index \`ha_notify_targets_cluster_id_index\`;`);
    this.addSql(`alter table \`ha_notify_targets\` drop column \`tenant_id\`, drop column \`site_id\`, drop column \`cluster_id\`;`);

    this.addSql(`alter table \`ha_nodes\` drop index \`ha_nodes_tenant_id_index\`;`);
    this.addSql(`alter table \`ha_nodes\` drop index \`ha_nodes_site_id_index\`;`);
    this.addSql(`alter table \`ha_nodes\` drop index \`ha_nodes_cluster_id_index\`;`);
    this.addSql(`alter table \`ha_nodes\` drop column \`tenant_id\`, drop column \`site_id\`, drop column \`cluster_id\`;`);

    this.addSql(`alter table \`ha_vips\` drop index \`ha_vips_tenant_id_index\`;`);
    this.addSql(`alter table \`ha_vips\` drop index \`ha_vips_site_id_index\`;`);
    this.addSql(`alter table \`ha_vips\` drop index \`ha_vips_cluster_id_index\`;`);
    this.addSql(`alter table \`ha_vips\` drop column \`tenant_id\`, drop column \`site_id\`, drop column \`cluster_id\`;`);

    this.addSql(`alter table \`ha_sync_paths\` drop index \`ha_sync_paths_tenant_id_index\`;`);
    this.addSql(`alter table \`ha_sync_paths\` drop index \`ha_sync_paths_site_id_index\`;`);
    this.addSql(`alter table \`ha_sync_paths\` drop index \`ha_sync_paths_cluster_id_index\`;`);
    this.addSql(`alter table \`ha_sync_paths\` drop column \`tenant_id\`, drop column \`site_id\`, drop column \`cluster_id\`;`);

    this.addSql(`alter table \`ha_groups\` drop index \`ha_groups_site_id_index\`;`);
    this.addSql(`alter table \`ha_groups\` drop column \`site_id\`;`);
  }

}
